import Redis from 'ioredis';
import { RedisConnection } from './redis-connection.service';

/** A write that failed again on a connection that stayed up (Redis refused it, or it timed out) is tried again after this. */
const RETRY_MS = 500;

/**
 * Writes Redis did not take while it was unreachable, kept by key (the latest value of a key, the oldest
 * key dropped beyond `max`), and issued again as soon as Redis is available: before any command that
 * follows its return on the same connection. A key stays kept until its write succeeds.
 */
export class MissedRedisWrites<T> {
  private readonly missed = new Map<string, T>();
  private retry?: NodeJS.Timeout;

  constructor(
    private readonly redis: RedisConnection,
    private readonly max: number,
    private readonly write: (client: Redis, value: T, key: string) => Promise<unknown>,
  ) {
    redis.onAvailable(() => this.replay());
  }

  keep(key: string, value: T): void {
    this.missed.delete(key);
    this.missed.set(key, value);
    if (this.missed.size > this.max) this.missed.delete(this.missed.keys().next().value!);
  }

  private replay(): void {
    const client = this.redis.client;
    if (!client) return;
    for (const [key, value] of this.missed) {
      this.write(client, value, key).then(
        () => this.missed.get(key) === value && this.missed.delete(key),
        (error: Error) => {
          this.redis.commandFailed(error.message);
          this.retryLater();
        },
      );
    }
  }

  /** A failed command does not always take the connection down, and then no return would replay the write. */
  private retryLater(): void {
    if (this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      if (this.redis.available) this.replay();
    }, RETRY_MS);
    this.retry.unref();
  }
}
