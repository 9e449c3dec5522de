import { Inject, Injectable } from '@nestjs/common';
import { MetricFactory, TenantLabel, growingLruCache } from '@lib/observability';
import { Counter } from 'prom-client';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AdaptivePace } from './adaptive-pace.service';
import { EventLoopStalls } from './event-loop-stalls';
import { RateLimit, StatedLimit, statedLimit } from './rate-limit';
import { RedisConnection } from './redis-connection.service';
import { SHARED_STATE_OPTIONS, SharedStateOptions } from './shared-state.options';
import { RedisScript } from './redis-script';

/** Granted now, or: come back at `slotAt` (epoch ms), a send slot reserved for this message. */
export type RateLimitDecision = { granted: true } | { granted: false; slotAt: number };

/** Hands out one slot `interval` ms after the last, never before `floor` (ARGV: floor, interval, now). */
const RESERVE_SLOT_SCRIPT = new RedisScript(
  `
local slot = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), tonumber(ARGV[1]))
local next = slot + tonumber(ARGV[2])
redis.call('SET', KEYS[1], math.floor(next), 'PX', math.floor(next - tonumber(ARGV[3])) + 60000)
return math.floor(slot)`,
  1,
);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Pace 4 % under the limit: vendors count arrivals, and the network and event loop add jitter (40 ms per second tolerated). */
const PACING_MARGIN = 1.04;
/** The most of a window a recent event-loop stall may add to it (a quarter: at worst a fifth less throughput while the host is starved). */
const MAX_STALL_SHARE = 0.25;
/** Per-key state idle for this long is dropped (a longer window keeps its own for as long as it matters). */
const IDLE_MS = 10 * 60_000;

/**
 * A limit of `count` requests per `perMs` on an opaque key (the caller namespaces it: `meta:{phoneNumberId}`,
 * `genesys:{tenantId}`), with up to `burst` at once. Each replica paces the key's requests as a
 * generic cell rate algorithm: a burst of its share of `burst` at once, then one interval
 * (expectedReplicas × perMs / count) apart, which keeps any sliding window within the limit when the
 * replicas share it; Redis counts `perMs` windows across replicas (rate-limiter-flexible), so all
 * replicas together never exceed it even when more replicas run than expected. When Redis is
 * unreachable each replica falls back to its share (count / expectedReplicas) in memory. A request
 * over the limit waits in process at most `maxRateLimitWaitMs` (holding one of its tenant's bulkhead
 * slots, never another tenant's); otherwise it gets a slot of its own and waits for it in the broker,
 * holding no slot. The count is the stated one, or lower while the vendor's refusals say the key's
 * real limit is below it (`AdaptivePace`).
 */
@Injectable()
export class TenantRateLimiter {
  private readonly limiters = new Map<string, RateLimiterAbstract>();
  /** Per key, the theoretical arrival time of the next request at the paced rate (GCRA). */
  private readonly nextSendAt = growingLruCache<string, number>(100_000, { ttl: IDLE_MS });
  /** Per key, the next slot for a parked message when Redis is not there to hand them out. */
  private readonly nextFreeSlotAt = growingLruCache<string, number>(100_000, { ttl: 6 * IDLE_MS });
  /** Per key, when this replica let its requests go during the last window. */
  private readonly recentSends = growingLruCache<string, number[]>(100_000, { ttl: IDLE_MS });
  private readonly delayed: Counter<'tenant'>;

  constructor(
    private readonly redis: RedisConnection,
    @Inject(SHARED_STATE_OPTIONS) private readonly options: SharedStateOptions,
    metrics: MetricFactory,
    private readonly tenantLabel: TenantLabel,
    private readonly pace: AdaptivePace,
    private readonly stalls: EventLoopStalls,
  ) {
    this.delayed = metrics.counter('rate_limit_delayed_total', 'Messages that waited for a rate-limit slot', ['tenant']);
  }

  /**
   * `tenantId` only labels the metric. `reservedSlotAt`: the slot this message was given when it was
   * parked; it is sent at that moment (give or take the pacing) instead of queueing again behind
   * newer messages. Throws a `RangeError` for a limit it cannot hold.
   */
  async acquire(tenantId: string, key: string, limit: RateLimit, reservedSlotAt?: number): Promise<RateLimitDecision> {
    const stated = statedLimit(limit);
    const now = Date.now();
    if (reservedSlotAt !== undefined && reservedSlotAt - now > this.options.maxRateLimitWaitMs)
      return { granted: false, slotAt: reservedSlotAt };
    const count = this.pace.limitOf(key, stated);
    const interval = ((stated.perMs * this.options.expectedReplicas) / count) * PACING_MARGIN;
    const arrival = Math.max(now, this.nextSendAt.get(key) ?? 0);
    const slot = Math.max(now, arrival - (this.burstShareOf(stated, count) - 1) * interval);
    if (slot - now > this.options.maxRateLimitWaitMs) return this.park(tenantId, key, stated, count, slot);
    this.nextSendAt.set(key, arrival + interval, { ttl: Math.max(IDLE_MS, Math.ceil(arrival + interval - now)) });
    if (slot > now) {
      this.delayed.inc({ tenant: this.tenantLabel.for(tenantId) });
      await sleep(slot - now);
    }
    const paced = this.pace.limitOf(key, stated);
    const shared = await this.consumeShared(key, stated.perMs, paced);
    if (shared !== true) return this.park(tenantId, key, stated, paced, Date.now() + shared);
    await this.withinShare(key, stated);
    return { granted: true };
  }

  /** A send went through: it counts towards raising a lowered pace again (no Redis call here). */
  recordSent(key: string): void {
    this.pace.recordSent(key);
  }

  /** The vendor refused a send made at `sentAt` (epoch ms) because we overshot: the key's pace is lowered for every replica. */
  recordOvershoot(key: string, sentAt: number, limit: RateLimit): Promise<void> {
    return this.pace.recordOvershoot(key, sentAt, statedLimit(limit));
  }

  /**
   * Late wake-ups can bunch paced sends together: never let more than this replica's share of the
   * limit go within any sliding window plus the margin. The margin is time, not count: a burst whose
   * requests arrive late must not meet the next burst within the vendor's window. It grows to the
   * longest recent event-loop stall (a stall bunches the arrivals of sends written around it), up to
   * a quarter of the window. The share is read again on every pass: an overshoot meanwhile holds
   * back sends granted at the old pace.
   */
  private async withinShare(key: string, stated: StatedLimit): Promise<void> {
    const stallMs = Math.min(this.stalls.recentMaxMs(), stated.perMs * MAX_STALL_SHARE);
    const windowMs = stated.perMs + Math.max(stated.perMs * (PACING_MARGIN - 1), stallMs);
    const keep = { ttl: Math.max(IDLE_MS, Math.ceil(windowMs)) };
    let sends = this.recentSends.get(key);
    if (!sends) {
      // Set before waiting: concurrent requests for the key must count in one list.
      sends = [];
      this.recentSends.set(key, sends, keep);
    }
    for (;;) {
      const now = Date.now();
      while (sends.length > 0 && now - sends[0] >= windowMs) sends.shift();
      if (sends.length < this.shareOf(this.pace.limitOf(key, stated))) break;
      await sleep(sends[0] + windowMs - now);
    }
    sends.push(Date.now());
    this.recentSends.set(key, sends, keep);
  }

  private shareOf(count: number): number {
    return Math.max(1, Math.floor(count / this.options.expectedReplicas));
  }

  /** This replica's share of the burst, never more than its share of the (possibly lowered) count. */
  private burstShareOf(stated: StatedLimit, count: number): number {
    return Math.max(1, Math.min(this.shareOf(count), Math.floor(stated.burst / this.options.expectedReplicas)));
  }

  /** Takes one point of the shared window; paced sends meet its edge now and then, so wait that out once. */
  private async consumeShared(key: string, perMs: number, count: number): Promise<true | number> {
    for (let tries = 0; ; tries += 1) {
      try {
        await this.limiterFor(Math.max(1, Math.floor(count)), perMs).consume(key, 1);
        return true;
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        if (tries > 0 || rejection.msBeforeNext > this.options.maxRateLimitWaitMs) return rejection.msBeforeNext;
        await sleep(rejection.msBeforeNext);
      }
    }
  }

  /**
   * Reserves the message a slot of its own, one interval after the last one reserved for this key
   * (in Redis, so replicas hand out distinct slots), and not before `floor`. It waits in the broker
   * for that slot and comes back once, instead of cycling until the limit lets it through.
   */
  private async park(tenantId: string, key: string, stated: StatedLimit, count: number, floor: number): Promise<RateLimitDecision> {
    this.delayed.inc({ tenant: this.tenantLabel.for(tenantId) });
    const interval = (stated.perMs / count) * PACING_MARGIN;
    const slotKey = `${this.options.keyPrefix}slot:${key}`;
    const slotAt = await this.redis.withFallback(
      async (redis) => Number(await RESERVE_SLOT_SCRIPT.run(redis, [slotKey, Math.ceil(floor), interval, Date.now()])),
      () => {
        const slot = Math.max(floor, this.nextFreeSlotAt.get(key) ?? 0);
        const next = slot + interval * this.options.expectedReplicas;
        this.nextFreeSlotAt.set(key, next, { ttl: Math.max(6 * IDLE_MS, Math.ceil(next - Date.now())) });
        return slot;
      },
    );
    return { granted: false, slotAt };
  }

  /**
   * One limiter per count and window, all counting in the same Redis key per key (the library
   * compares the count with its points on the client), so replicas whose pace differs for a moment
   * still share one window.
   */
  private limiterFor(points: number, perMs: number): RateLimiterAbstract {
    const id = `${points}/${perMs}`;
    let limiter = this.limiters.get(id);
    if (limiter) return limiter;
    const keyPrefix = `${this.options.keyPrefix}rate`;
    const duration = perMs / 1000;
    const perReplica = new RateLimiterMemory({ keyPrefix, points: this.shareOf(points), duration });
    limiter = this.redis.client
      ? new RateLimiterRedis({
          storeClient: this.redis.client,
          keyPrefix,
          points,
          duration,
          rejectIfRedisNotReady: true,
          insuranceLimiter: perReplica,
        })
      : perReplica;
    this.limiters.set(id, limiter);
    return limiter;
  }
}
