import { Inject, Injectable } from '@nestjs/common';
import { MetricFactory, TenantLabel } from '@lib/observability';
import { LRUCache } from 'lru-cache';
import { Counter } from 'prom-client';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { RedisConnection } from './redis-connection.service';
import { SHARED_STATE_OPTIONS, SharedStateOptions } from './shared-state.options';

export type RateLimitDecision = { granted: true } | { granted: false; retryAfterMs: number };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Messages per second per business phone number, counted in Redis so that all replicas together keep
 * to the tenant's limit (rate-limiter-flexible, 1 s windows). When Redis is unreachable each replica
 * falls back to its share of the limit in memory (limit / expectedReplicas). A message over the limit
 * waits in process only briefly; otherwise it gets the next free slot of its number and is sent back
 * through the broker to wait for it, holding no consumer slot.
 */
@Injectable()
export class TenantRateLimiter {
  private readonly limiters = new Map<number, RateLimiterAbstract>();
  /** Per phone number, the time of the next slot not yet promised to a deferred message. */
  private readonly nextFreeSlotAt = new LRUCache<string, number>({ max: 100_000, ttl: 10 * 60_000 });
  private readonly delayed: Counter<'tenant'>;

  constructor(
    private readonly redis: RedisConnection,
    @Inject(SHARED_STATE_OPTIONS) private readonly options: SharedStateOptions,
    metrics: MetricFactory,
    private readonly tenantLabel: TenantLabel,
  ) {
    this.delayed = metrics.counter('rate_limit_delayed_total', 'Messages that waited for a rate-limit slot', ['tenant']);
  }

  async acquire(tenantId: string, phoneNumberId: string, messagesPerSecond = this.options.defaultMessagesPerSecond): Promise<RateLimitDecision> {
    const mps = Math.max(1, Math.floor(messagesPerSecond));
    const limiter = this.limiterFor(mps);
    const deadline = Date.now() + this.options.maxRateLimitWaitMs;
    for (;;) {
      let wait: number;
      try {
        await limiter.consume(phoneNumberId, 1);
        return { granted: true };
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        wait = rejection.msBeforeNext;
      }
      this.delayed.inc({ tenant: this.tenantLabel.for(tenantId) });
      const backlogged = (this.nextFreeSlotAt.get(phoneNumberId) ?? 0) > Date.now();
      if (!backlogged && Date.now() + wait <= deadline) {
        await sleep(wait);
        continue;
      }
      return { granted: false, retryAfterMs: this.reserveSlot(phoneNumberId, mps, wait) };
    }
  }

  /** Spreads deferred messages one slot apart, so a backlog returns at the limit, not all at once. */
  private reserveSlot(phoneNumberId: string, mps: number, wait: number): number {
    const now = Date.now();
    const slot = Math.max(now + wait, this.nextFreeSlotAt.get(phoneNumberId) ?? 0);
    this.nextFreeSlotAt.set(phoneNumberId, slot + 1000 / mps);
    return Math.max(1, slot - now);
  }

  private limiterFor(mps: number): RateLimiterAbstract {
    let limiter = this.limiters.get(mps);
    if (limiter) return limiter;
    const keyPrefix = `${this.options.keyPrefix}rate:${mps}`;
    const perReplica = new RateLimiterMemory({ keyPrefix, points: Math.max(1, Math.floor(mps / this.options.expectedReplicas)), duration: 1 });
    limiter = this.redis.client
      ? new RateLimiterRedis({ storeClient: this.redis.client, keyPrefix, points: mps, duration: 1, rejectIfRedisNotReady: true, insuranceLimiter: perReplica })
      : perReplica;
    this.limiters.set(mps, limiter);
    return limiter;
  }
}
