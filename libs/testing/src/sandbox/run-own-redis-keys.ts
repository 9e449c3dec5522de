import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';

/**
 * The Redis settings of one run: the given Redis with a key prefix of the run's own, so that runs
 * sharing a Redis never see each other's state and the run's keys can be removed afterwards.
 */
export function runOwnRedisEnv(redisUrl: string): { REDIS_URL: string; REDIS_KEY_PREFIX: string } {
  return { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: `test-${randomBytes(4).toString('hex')}:` };
}

/** Deletes every key under `prefix`. */
export async function deleteRedisKeys(redisUrl: string, prefix: string): Promise<void> {
  if (!prefix) throw new Error('refusing to delete the keys of an empty prefix: that is every key of the Redis');
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, retryStrategy: () => null, lazyConnect: true });
  redis.on('error', () => undefined);
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
