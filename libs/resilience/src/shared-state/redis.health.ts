import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { RedisConnection } from './redis-connection.service';

/**
 * Never fails readiness: without Redis one replica still delivers, with per-replica guarantees, and
 * several replicas keep their messages waiting in the broker, which an unready pod would not change.
 * Reports `degraded` in the details so that operators see it.
 */
@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly redis: RedisConnection,
  ) {}

  isHealthy(key = 'redis'): HealthIndicatorResult {
    const indicator = this.health.check(key);
    if (!this.redis.configured) return indicator.up({ mode: 'in-process', note: 'REDIS_URL unset: guarantees hold per replica' });
    return this.redis.available
      ? indicator.up({ mode: 'shared' })
      : indicator.up({ mode: 'degraded', note: 'Redis unreachable: rate limits and de-duplication per replica' });
  }
}
