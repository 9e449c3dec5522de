import { redactUrl } from '@lib/messaging/publishing/redact-url.util';
import Redis from 'ioredis';
import { BrokerError } from './dlq-errors';

/** Redis cannot be reached; reported like an unreachable broker (exit code 3). */
export class RedisUnreachableError extends BrokerError {}

/** A connection of the tool's own that fails at once instead of retrying, named in `CLIENT LIST`. */
export async function connectToRedis(url: string, timeoutMs: number): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    connectionName: 'dlq-cli',
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return redis;
  } catch (error) {
    redis.disconnect();
    const reason = (error as Error).message.split(url).join(redactUrl(url));
    throw new RedisUnreachableError(`cannot connect to Redis at ${redactUrl(url)}: ${reason}`);
  }
}
