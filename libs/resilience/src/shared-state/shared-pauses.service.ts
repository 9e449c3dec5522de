import { Inject, Injectable } from '@nestjs/common';
import { growingLruCache } from '@lib/observability';
import { RedisConnection } from './redis-connection.service';
import { SHARED_STATE_OPTIONS, SharedStateOptions } from './shared-state.options';
import { RedisScript } from './redis-script';

/** Sets KEYS[1] to ARGV[1] (epoch ms) unless it already holds a later time; expires with it (ARGV[2] ms). */
const EXTEND_PAUSE_SCRIPT = new RedisScript(
  `
local ends = tonumber(ARGV[1])
if ends > tonumber(redis.call('GET', KEYS[1]) or '0') then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
return 1`,
  1,
);

/**
 * Keys paused until a moment, for every replica: a vendor asked us to stop sending for a tenant until
 * then (e.g. a 429 with `Retry-After`). In Redis when it is reachable, else in this process. A pause is
 * only ever extended, never shortened by a later, shorter one.
 */
@Injectable()
export class SharedPauses {
  private readonly memory = growingLruCache<string, number>(100_000);

  constructor(
    private readonly redis: RedisConnection,
    @Inject(SHARED_STATE_OPTIONS) private readonly options: SharedStateOptions,
  ) {}

  pause(key: string, untilMs: number, now = Date.now()): Promise<void> {
    const ttlMs = Math.max(1, Math.ceil(untilMs - now));
    return this.redis.withFallback(
      async (redis) => void (await EXTEND_PAUSE_SCRIPT.run(redis, [this.keyOf(key), Math.ceil(untilMs), ttlMs])),
      () => {
        if (untilMs > (this.memory.get(key) ?? 0)) this.memory.set(key, untilMs, { ttl: ttlMs });
      },
    );
  }

  /** When the pause of `key` ends, or undefined when it is not paused. */
  pausedUntil(key: string, now = Date.now()): Promise<number | undefined> {
    return this.redis.withFallback(
      async (redis) => {
        const until = Number(await redis.get(this.keyOf(key)));
        return until > now ? until : undefined;
      },
      () => {
        const until = this.memory.get(key);
        return until !== undefined && until > now ? until : undefined;
      },
    );
  }

  private keyOf(key: string): string {
    return `${this.options.keyPrefix}pause:${key}`;
  }
}
