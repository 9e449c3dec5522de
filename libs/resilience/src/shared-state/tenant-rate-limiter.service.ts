import { Inject, Injectable } from '@nestjs/common';
import { MetricFactory, TenantLabel } from '@lib/observability';
import { LRUCache } from 'lru-cache';
import { Counter } from 'prom-client';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { RedisConnection } from './redis-connection.service';
import { SHARED_STATE_OPTIONS, SharedStateOptions } from './shared-state.options';

export type RateLimitDecision = { granted: true } | { granted: false; retryAfterMs: number };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Pace 4 % under the limit: Meta counts arrivals, and the network and event loop add jitter (40 ms per second tolerated). */
const PACING_MARGIN = 1.04;

/**
 * Messages per second per business phone number. Each replica paces its sends one interval
 * (expectedReplicas / limit seconds) apart, which keeps any sliding second within the limit when the
 * replicas share it; Redis counts 1 s windows across replicas (rate-limiter-flexible), so all
 * replicas together never exceed it even when more replicas run than expected. When Redis is
 * unreachable each replica falls back to its share (limit / expectedReplicas) in memory. A message
 * over the limit waits in process at most `maxRateLimitWaitMs` (holding one of its tenant's
 * bulkhead slots, never another tenant's); otherwise it waits in the broker, holding no slot.
 */
@Injectable()
export class TenantRateLimiter {
  private readonly limiters = new Map<number, RateLimiterAbstract>();
  /** Per phone number, the next send slot this replica can promise. */
  private readonly nextSendAt = new LRUCache<string, number>({ max: 100_000, ttl: 10 * 60_000 });
  /** Per phone number, when this replica last let a message go. */
  private readonly lastSentAt = new LRUCache<string, number>({ max: 100_000, ttl: 10 * 60_000 });
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
    const interval = ((1000 * this.options.expectedReplicas) / mps) * PACING_MARGIN;
    const now = Date.now();
    const slot = Math.max(now, this.nextSendAt.get(phoneNumberId) ?? 0);
    if (slot - now > this.options.maxRateLimitWaitMs) return this.defer(tenantId, slot - now);
    this.nextSendAt.set(phoneNumberId, slot + interval);
    if (slot > now) {
      this.delayed.inc({ tenant: this.tenantLabel.for(tenantId) });
      await sleep(slot - now);
    }
    const shared = await this.consumeShared(phoneNumberId, mps);
    if (shared !== true) return this.defer(tenantId, shared);
    // A late wake-up must not bring two sends closer than one interval.
    for (let gap = Date.now() - (this.lastSentAt.get(phoneNumberId) ?? 0); gap < interval; gap = Date.now() - (this.lastSentAt.get(phoneNumberId) ?? 0)) {
      await sleep(interval - gap);
    }
    this.lastSentAt.set(phoneNumberId, Date.now());
    return { granted: true };
  }

  /** Takes one point of the shared 1 s window; paced sends meet its edge now and then, so wait that out once. */
  private async consumeShared(phoneNumberId: string, mps: number): Promise<true | number> {
    for (let tries = 0; ; tries += 1) {
      try {
        await this.limiterFor(mps).consume(phoneNumberId, 1);
        return true;
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        if (tries > 0 || rejection.msBeforeNext > this.options.maxRateLimitWaitMs) return rejection.msBeforeNext;
        await sleep(rejection.msBeforeNext);
      }
    }
  }

  /**
   * The message goes back to the broker until the limit has room again (at least the wait this
   * replica computed). A backlog therefore cycles through the wait queue about once a second, each
   * round sending what the limit allows; see README "Rate limits" for what that costs under a flood.
   */
  private defer(tenantId: string, wait: number): RateLimitDecision {
    this.delayed.inc({ tenant: this.tenantLabel.for(tenantId) });
    return { granted: false, retryAfterMs: Math.max(1, wait) };
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
