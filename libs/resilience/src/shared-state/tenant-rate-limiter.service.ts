import { Inject, Injectable } from '@nestjs/common';
import { MetricFactory, TenantLabel } from '@lib/observability';
import { LRUCache } from 'lru-cache';
import { Counter } from 'prom-client';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AdaptivePace } from './adaptive-pace.service';
import { RedisConnection } from './redis-connection.service';
import { SHARED_STATE_OPTIONS, SharedStateOptions } from './shared-state.options';

/** Granted now, or: come back at `slotAt` (epoch ms), a send slot reserved for this message. */
export type RateLimitDecision = { granted: true } | { granted: false; slotAt: number };

/** Hands out one slot `interval` ms after the last, never before `floor` (ARGV: floor, interval, now). */
const RESERVE_SLOT_SCRIPT = `
local slot = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), tonumber(ARGV[1]))
local next = slot + tonumber(ARGV[2])
redis.call('SET', KEYS[1], math.floor(next), 'PX', math.floor(next - tonumber(ARGV[3])) + 60000)
return math.floor(slot)`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Pace 4 % under the limit: Meta counts arrivals, and the network and event loop add jitter (40 ms per second tolerated). */
const PACING_MARGIN = 1.04;
const GUARD_WINDOW_MS = 1000 * PACING_MARGIN;

/**
 * Messages per second per business phone number. Each replica paces its sends one interval
 * (expectedReplicas / limit seconds) apart, which keeps any sliding second within the limit when the
 * replicas share it; Redis counts 1 s windows across replicas (rate-limiter-flexible), so all
 * replicas together never exceed it even when more replicas run than expected. When Redis is
 * unreachable each replica falls back to its share (limit / expectedReplicas) in memory. A message
 * over the limit waits in process at most `maxRateLimitWaitMs` (holding one of its tenant's
 * bulkhead slots, never another tenant's); otherwise it gets a slot of its own and waits for it in
 * the broker, holding no slot. The limit is the tenant's stated one, or lower while Meta's 130429s say
 * the number's real tier is below it (`AdaptivePace`).
 */
@Injectable()
export class TenantRateLimiter {
  private readonly limiters = new Map<number, RateLimiterAbstract>();
  /** Per phone number, the next send slot this replica can promise. */
  private readonly nextSendAt = new LRUCache<string, number>({ max: 100_000, ttl: 10 * 60_000 });
  /** Per phone number, the next slot for a parked message when Redis is not there to hand them out. */
  private readonly nextFreeSlotAt = new LRUCache<string, number>({ max: 100_000, ttl: 60 * 60_000 });
  /** Per phone number, when this replica let its messages go during the last second. */
  private readonly recentSends = new LRUCache<string, number[]>({ max: 100_000, ttl: 10 * 60_000 });
  private readonly delayed: Counter<'tenant'>;

  constructor(
    private readonly redis: RedisConnection,
    @Inject(SHARED_STATE_OPTIONS) private readonly options: SharedStateOptions,
    metrics: MetricFactory,
    private readonly tenantLabel: TenantLabel,
    private readonly pace: AdaptivePace,
  ) {
    this.delayed = metrics.counter('rate_limit_delayed_total', 'Messages that waited for a rate-limit slot', ['tenant']);
  }

  /**
   * `reservedSlotAt`: the slot this message was given when it was parked; it is sent at that moment
   * (give or take the pacing) instead of queueing again behind newer messages.
   */
  async acquire(
    tenantId: string,
    phoneNumberId: string,
    messagesPerSecond = this.options.defaultMessagesPerSecond,
    reservedSlotAt?: number,
  ): Promise<RateLimitDecision> {
    const stated = statedLimit(messagesPerSecond);
    const mps = this.pace.limitOf(phoneNumberId, stated);
    const interval = ((1000 * this.options.expectedReplicas) / mps) * PACING_MARGIN;
    const now = Date.now();
    if (reservedSlotAt !== undefined && reservedSlotAt - now > this.options.maxRateLimitWaitMs)
      return { granted: false, slotAt: reservedSlotAt };
    const slot = Math.max(now, this.nextSendAt.get(phoneNumberId) ?? 0);
    if (slot - now > this.options.maxRateLimitWaitMs) return this.park(tenantId, phoneNumberId, mps, slot);
    this.nextSendAt.set(phoneNumberId, slot + interval);
    if (slot > now) {
      this.delayed.inc({ tenant: this.tenantLabel.for(tenantId) });
      await sleep(slot - now);
    }
    const paced = this.pace.limitOf(phoneNumberId, stated);
    const shared = await this.consumeShared(phoneNumberId, paced);
    if (shared !== true) return this.park(tenantId, phoneNumberId, paced, Date.now() + shared);
    // Late wake-ups can bunch paced sends together: never let more than this replica's share of the
    // limit go within any sliding window of a second plus the margin. The margin is time, not count:
    // a burst whose requests reach Meta late must not meet the next burst within Meta's second.
    // The share is read again on every pass: a 130429 meanwhile holds back sends granted at the old pace.
    const window = this.recentSendsOf(phoneNumberId);
    for (;;) {
      const now = Date.now();
      while (window.length > 0 && now - window[0] >= GUARD_WINDOW_MS) window.shift();
      if (window.length < this.shareOf(phoneNumberId, stated)) break;
      await sleep(window[0] + GUARD_WINDOW_MS - now);
    }
    window.push(Date.now());
    return { granted: true };
  }

  /** A send went through: it counts towards raising a lowered pace again (no Redis call here). */
  recordSent(phoneNumberId: string): void {
    this.pace.recordSent(phoneNumberId);
  }

  /** Meta answered 130429 to a send made at `sentAt` (epoch ms): the number's pace is lowered for every replica. */
  recordOvershoot(phoneNumberId: string, sentAt: number, messagesPerSecond = this.options.defaultMessagesPerSecond): Promise<void> {
    return this.pace.recordOvershoot(phoneNumberId, statedLimit(messagesPerSecond), sentAt);
  }

  private shareOf(phoneNumberId: string, stated: number): number {
    return Math.max(1, Math.floor(this.pace.limitOf(phoneNumberId, stated) / this.options.expectedReplicas));
  }

  /** Takes one point of the shared 1 s window; paced sends meet its edge now and then, so wait that out once. */
  private async consumeShared(phoneNumberId: string, mps: number): Promise<true | number> {
    for (let tries = 0; ; tries += 1) {
      try {
        await this.limiterFor(Math.max(1, Math.floor(mps))).consume(phoneNumberId, 1);
        return true;
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        if (tries > 0 || rejection.msBeforeNext > this.options.maxRateLimitWaitMs) return rejection.msBeforeNext;
        await sleep(rejection.msBeforeNext);
      }
    }
  }

  /**
   * Reserves the message a slot of its own, one interval after the last one reserved for this number
   * (in Redis, so replicas hand out distinct slots), and not before `floor`. It waits in the broker
   * for that slot and comes back once, instead of cycling until the limit lets it through.
   */
  private async park(tenantId: string, phoneNumberId: string, mps: number, floor: number): Promise<RateLimitDecision> {
    this.delayed.inc({ tenant: this.tenantLabel.for(tenantId) });
    const interval = (1000 / mps) * PACING_MARGIN;
    const key = `${this.options.keyPrefix}slot:${phoneNumberId}`;
    const slotAt = await this.redis.withFallback(
      async (redis) => Number(await redis.eval(RESERVE_SLOT_SCRIPT, 1, key, Math.ceil(floor), interval, Date.now())),
      () => {
        const slot = Math.max(floor, this.nextFreeSlotAt.get(phoneNumberId) ?? 0);
        this.nextFreeSlotAt.set(phoneNumberId, slot + interval * this.options.expectedReplicas);
        return slot;
      },
    );
    return { granted: false, slotAt };
  }

  private recentSendsOf(phoneNumberId: string): number[] {
    let sends = this.recentSends.get(phoneNumberId);
    if (!sends) {
      sends = [];
      this.recentSends.set(phoneNumberId, sends);
    }
    return sends;
  }

  /**
   * One limiter per number of points, all counting in the same Redis key per number (the library
   * compares the count with its points on the client), so replicas whose pace differs for a moment
   * still share one window.
   */
  private limiterFor(points: number): RateLimiterAbstract {
    let limiter = this.limiters.get(points);
    if (limiter) return limiter;
    const keyPrefix = `${this.options.keyPrefix}rate`;
    const perReplica = new RateLimiterMemory({
      keyPrefix,
      points: Math.max(1, Math.floor(points / this.options.expectedReplicas)),
      duration: 1,
    });
    limiter = this.redis.client
      ? new RateLimiterRedis({
          storeClient: this.redis.client,
          keyPrefix,
          points,
          duration: 1,
          rejectIfRedisNotReady: true,
          insuranceLimiter: perReplica,
        })
      : perReplica;
    this.limiters.set(points, limiter);
    return limiter;
  }
}

/** The tenant record's limit as whole messages per second, at least one. */
function statedLimit(messagesPerSecond: number): number {
  return Math.max(1, Math.floor(messagesPerSecond));
}
