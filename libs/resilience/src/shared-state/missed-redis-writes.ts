import Redis from 'ioredis';
import { RedisConnection } from './redis-connection.service';

/**
 * Writes Redis did not take while it was unreachable, kept by key (the latest value of a key, the oldest
 * key dropped beyond `max`), and issued again as soon as Redis is available: before any command that
 * follows its return on the same connection. A key stays kept until its write succeeds.
 */
export class MissedRedisWrites<T> {
  private readonly missed = new Map<string, T>();

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
        (error: Error) => this.redis.commandFailed(error.message),
      );
    }
  }
}
