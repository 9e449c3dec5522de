import { createHash } from 'node:crypto';
import Redis from 'ioredis';

/**
 * A Lua script sent by its SHA1 (EVALSHA), so the hot path writes a few bytes instead of the script's
 * text, and an ordinary command that ioredis can auto-pipeline. Redis forgets scripts when it restarts:
 * the first NOSCRIPT answer sends the text once (EVAL), which loads it again.
 */
export class RedisScript {
  private readonly sha: string;

  constructor(
    private readonly lua: string,
    private readonly numberOfKeys: number,
  ) {
    this.sha = createHash('sha1').update(lua).digest('hex');
  }

  async run(redis: Redis, keysAndArgs: Array<string | number>): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, this.numberOfKeys, ...keysAndArgs);
    } catch (error) {
      if (!(error as Error).message?.startsWith('NOSCRIPT')) throw error;
      return redis.eval(this.lua, this.numberOfKeys, ...keysAndArgs);
    }
  }
}
