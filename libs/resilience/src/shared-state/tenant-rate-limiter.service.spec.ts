import { Logger } from '@nestjs/common';
import { MetricFactory, TenantLabel, VerifiedTenants } from '@lib/observability';
import { busiestWindow } from '@lib/testing';
import { register } from 'prom-client';
import { AdaptivePace } from './adaptive-pace.service';
import { EventLoopLag } from './event-loop-lag';
import { RateLimit } from './rate-limit';
import { RedisConnection } from './redis-connection.service';
import { SendSchedule } from './send-schedule';
import { SharedStateOptions } from './shared-state.options';
import { RateLimitDecision, TenantRateLimiter } from './tenant-rate-limiter.service';

const T0 = 1_700_000_000_000;
const NUMBER = 'meta:106540352242922';
const TEN_PER_SECOND: RateLimit = { count: 10, perMs: 1000 };
const GENESYS: RateLimit = { count: 300, perMs: 60_000, burst: 10 };
const observability = { serviceName: 'limiter-spec', version: '0', logLevel: 'silent' };

/** Without Redis, one replica unless told otherwise, on an event loop that lags `lagMs`. */
function limiter(overrides: Partial<SharedStateOptions> = {}, lagMs = 0): TenantRateLimiter {
  const options: SharedStateOptions = {
    keyPrefix: 'limiter-spec:',
    expectedReplicas: 1,
    maxRateLimitWaitMs: 0,
    staleClaimMs: 60_000,
    ...overrides,
  };
  const metrics = new MetricFactory(observability);
  const redis = new RedisConnection(options, metrics);
  return new TenantRateLimiter(
    new SendSchedule(redis, options),
    options,
    metrics,
    new TenantLabel(observability, new VerifiedTenants(observability)),
    new AdaptivePace(redis, options),
    { recentMs: () => lagMs } as unknown as EventLoopLag,
  );
}

const slotOf = (decision: RateLimitDecision) => (decision.granted ? undefined : decision.slotAt);
const gaps = (times: number[]) => times.slice(1).map((time, i) => time - times[i]);

/**
 * A consumer of one key: asks for a slot, and when parked comes back at its slot with it, as a
 * message waiting in the broker does. Records when each grant was given (simulated clock).
 */
async function consume(rateLimiter: TenantRateLimiter, key: string, limit: RateLimit, until: number, grants: number[]): Promise<void> {
  let reservedSlotAt: number | undefined;
  while (Date.now() < until) {
    const decision = await rateLimiter.acquire('acme', key, limit, reservedSlotAt);
    if (decision.granted) {
      grants.push(Date.now());
      reservedSlotAt = undefined;
    } else {
      reservedSlotAt = decision.slotAt;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, decision.slotAt - Date.now())));
    }
  }
}

describe(TenantRateLimiter.name, () => {
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
    register.clear();
  });

  describe('a per-second limit without burst (Meta)', () => {
    beforeEach(() => {
      jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'clearTimeout', 'queueMicrotask'] });
      jest.setSystemTime(T0);
      jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    });

    async function parkedSlots(rateLimiter: TenantRateLimiter, count: number): Promise<number[]> {
      const slots: number[] = [];
      for (let i = 0; i < count; i += 1) slots.push(slotOf(await rateLimiter.acquire('acme', NUMBER, TEN_PER_SECOND))!);
      return slots;
    }

    it('hands parked messages slots one paced interval apart at the stated limit', async () => {
      const rateLimiter = limiter();
      expect(await rateLimiter.acquire('acme', NUMBER, TEN_PER_SECOND)).toEqual({ granted: true });
      const slots = await parkedSlots(rateLimiter, 4);
      for (const gap of gaps(slots)) expect(gap).toBeCloseTo(104);
    });

    it('spaces slots wider after an overshoot, by the decrease of the pace: a strike first, then the lesson', async () => {
      const rateLimiter = limiter();
      await rateLimiter.acquire('acme', NUMBER, TEN_PER_SECOND);
      const before = gaps(await parkedSlots(rateLimiter, 3));
      await rateLimiter.recordOvershoot(NUMBER, T0, TEN_PER_SECOND);
      const struck = gaps(await parkedSlots(rateLimiter, 3));
      expect(struck[struck.length - 1] / before[0]).toBeCloseTo(1 / 0.9);
      jest.setSystemTime(T0 + 1500);
      await rateLimiter.recordOvershoot(NUMBER, T0 + 1100, TEN_PER_SECOND);
      const learned = gaps(await parkedSlots(rateLimiter, 3));
      expect(learned[learned.length - 1] / before[0]).toBeCloseTo(1 / (0.9 * 0.7));
    });

    it('never holds up another key: one over its limit parks, the other is granted at once', async () => {
      const rateLimiter = limiter();
      await rateLimiter.acquire('acme', NUMBER, TEN_PER_SECOND);
      expect((await rateLimiter.acquire('acme', NUMBER, TEN_PER_SECOND)).granted).toBe(false);
      expect(await rateLimiter.acquire('globex', 'meta:106540352242923', TEN_PER_SECOND)).toEqual({ granted: true });
    });

    it('sends a parked message that comes back at its reserved slot; a later one was given a later slot', async () => {
      const rateLimiter = limiter();
      expect(await rateLimiter.acquire('acme', NUMBER, TEN_PER_SECOND)).toEqual({ granted: true });
      const reserved = slotOf(await rateLimiter.acquire('acme', NUMBER, TEN_PER_SECOND))!;
      expect(slotOf(await rateLimiter.acquire('acme', NUMBER, TEN_PER_SECOND))).toBeGreaterThan(reserved);
      jest.setSystemTime(reserved);
      expect(await rateLimiter.acquire('acme', NUMBER, TEN_PER_SECOND, reserved)).toEqual({ granted: true });
    });

    it('parks a message that comes back early again at the slot it was given, not behind later ones', async () => {
      const rateLimiter = limiter();
      await rateLimiter.acquire('acme', NUMBER, TEN_PER_SECOND);
      const reserved = slotOf(await rateLimiter.acquire('acme', NUMBER, TEN_PER_SECOND))!;
      await rateLimiter.acquire('acme', NUMBER, TEN_PER_SECOND);
      jest.setSystemTime(reserved - 50);
      expect(await rateLimiter.acquire('acme', NUMBER, TEN_PER_SECOND, reserved)).toEqual({ granted: false, slotAt: reserved });
    });

    it('refuses a limit it cannot hold, naming the field', async () => {
      const rateLimiter = limiter();
      await expect(rateLimiter.acquire('acme', NUMBER, { count: Number.NaN, perMs: 1000 })).rejects.toThrow(/count/);
      await expect(rateLimiter.acquire('acme', NUMBER, { count: 10, perMs: 1500 })).rejects.toThrow(/perMs/);
      await expect(rateLimiter.acquire('acme', NUMBER, { count: 10, perMs: 1000, burst: 0 })).rejects.toThrow(/burst/);
    });
  });

  describe('a per-minute limit with a burst (Genesys), on a simulated clock', () => {
    beforeEach(() => {
      jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
      jest.setSystemTime(T0);
      jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    });

    it('grants a burst at once, cut to half the margin, then paces one interval apart', async () => {
      const rateLimiter = limiter({ maxRateLimitWaitMs: 1000 });
      const grants: number[] = [];
      const track = (decision: Promise<RateLimitDecision>) => decision.then(() => grants.push(Date.now()));
      const first = Array.from({ length: 8 }, () => track(rateLimiter.acquire('acme', 'genesys:acme', GENESYS)));
      await jest.advanceTimersByTimeAsync(0);
      // 60 s / 300, 4 % under the limit, is 208 ms; half the 4 % margin (1.2 s) holds five of them: a burst of 6, not 10.
      expect(grants).toEqual(Array.from({ length: 6 }, () => T0));
      await jest.advanceTimersByTimeAsync(1000);
      await Promise.all(first);
      expect(grants.slice(6)).toEqual([T0 + 208, T0 + 416]);
    });

    it('gives a message that comes back late the next send slot: its lateness costs no capacity, only its own wait', async () => {
      const rateLimiter = limiter({ maxRateLimitWaitMs: 0 });
      expect(await rateLimiter.acquire('acme', NUMBER, TEN_PER_SECOND)).toEqual({ granted: true });
      const returns = [
        slotOf(await rateLimiter.acquire('acme', NUMBER, TEN_PER_SECOND))!,
        slotOf(await rateLimiter.acquire('acme', NUMBER, TEN_PER_SECOND))!,
      ];
      // The first comes back 300 ms late, after the second's time: the second is sent at its time, the first one interval later.
      jest.setSystemTime(returns[1]);
      expect(await rateLimiter.acquire('acme', NUMBER, TEN_PER_SECOND, returns[1])).toEqual({ granted: true });
      jest.setSystemTime(returns[0] + 300);
      expect(await rateLimiter.acquire('acme', NUMBER, TEN_PER_SECOND, returns[0])).toEqual({ granted: true });
      expect(slotOf(await rateLimiter.acquire('acme', NUMBER, TEN_PER_SECOND))).toBeGreaterThanOrEqual(returns[0] + 300 + 104);
    });

    it('gives up a slot this process woke up to too late, and parks the message for a later turn', async () => {
      const rateLimiter = limiter({ maxRateLimitWaitMs: 1000 });
      expect(await rateLimiter.acquire('acme', NUMBER, TEN_PER_SECOND)).toEqual({ granted: true });
      const second = rateLimiter.acquire('acme', NUMBER, TEN_PER_SECOND);
      await jest.advanceTimersByTimeAsync(0);
      // The loop stalls: the timer for the slot at 104 ms fires 30 ms late (20 ms is the most a per-second slot may be).
      jest.setSystemTime(T0 + 30);
      await jest.advanceTimersByTimeAsync(104);
      // Its turn to come back starts where the send schedule ends: after the slot it gave up.
      expect(await second).toEqual({ granted: false, slotAt: T0 + 208 });
      expect(await register.getSingleMetricAsString('limiter_spec_rate_limit_slots_missed_total')).toMatch(/} 1$/m);
    });

    it('spaces the slots of a replica whose event loop lags wider by its share of the window, and accepts that much lateness', async () => {
      const rateLimiter = limiter({ maxRateLimitWaitMs: 1000 }, 100);
      expect(await rateLimiter.acquire('acme', NUMBER, TEN_PER_SECOND)).toEqual({ granted: true });
      const second = rateLimiter.acquire('acme', NUMBER, TEN_PER_SECOND);
      await jest.advanceTimersByTimeAsync(0);
      // 104 ms widened by a tenth (100 ms of a second), and woken 100 ms late: within 20 ms plus the lag.
      jest.setSystemTime(T0 + 100);
      await jest.advanceTimersByTimeAsync(115);
      expect(await second).toEqual({ granted: true });
      expect(await register.getSingleMetricAsString('limiter_spec_rate_limit_slots_missed_total')).not.toMatch(/} \d+$/m);
      const parked = limiter({ maxRateLimitWaitMs: 0 }, 100);
      await parked.acquire('acme', 'meta:2', TEN_PER_SECOND);
      const slots: number[] = [];
      for (let i = 0; i < 3; i += 1) slots.push(slotOf(await parked.acquire('acme', 'meta:2', TEN_PER_SECOND))!);
      for (const gap of gaps(slots)) expect(Math.abs(gap - 114.4)).toBeLessThanOrEqual(1);
    });

    it('grants about 300 over a minute and never more than 300 in any minute', async () => {
      const rateLimiter = limiter({ maxRateLimitWaitMs: 1000 });
      const grants: number[] = [];
      const consumers = Array.from({ length: 20 }, () => consume(rateLimiter, 'genesys:acme', GENESYS, T0 + 180_000, grants));
      await jest.advanceTimersByTimeAsync(180_000);
      await jest.runOnlyPendingTimersAsync();
      await Promise.all(consumers);
      grants.sort((a, b) => a - b);
      const firstMinute = grants.filter((at) => at < T0 + 60_000).length;
      expect(firstMinute).toBeGreaterThanOrEqual(285);
      expect(firstMinute).toBeLessThanOrEqual(300);
      expect(busiestWindow(grants, 60_000)).toBeLessThanOrEqual(300);
    });

    it('without Redis, paces each of three replicas at its third of the limit and of the burst', async () => {
      const rateLimiter = limiter({ maxRateLimitWaitMs: 1000, expectedReplicas: 3 });
      const grants: number[] = [];
      const consumers = Array.from({ length: 10 }, () => consume(rateLimiter, 'genesys:acme', GENESYS, T0 + 120_000, grants));
      await jest.advanceTimersByTimeAsync(120_000);
      await jest.runOnlyPendingTimersAsync();
      await Promise.all(consumers);
      expect(grants.filter((at) => at === T0)).toHaveLength(2);
      expect(busiestWindow(grants, 60_000)).toBeLessThanOrEqual(100);
      expect(grants.filter((at) => at >= T0 + 60_000 && at < T0 + 120_000).length).toBeGreaterThanOrEqual(95);
    });

    it('lowers a per-minute pace on an overshoot and counts the settle time in minutes', async () => {
      const perMinute: RateLimit = { count: 300, perMs: 60_000 };
      const rateLimiter = limiter();
      await rateLimiter.acquire('acme', 'genesys:acme', perMinute);
      await rateLimiter.recordOvershoot('genesys:acme', T0, perMinute);
      jest.setSystemTime(T0 + 30_000);
      // Sent within a minute of the decrease: Genesys still counted the old pace.
      await rateLimiter.recordOvershoot('genesys:acme', T0 + 20_000, perMinute);
      expect(await rateLimiter.acquire('acme', 'genesys:acme', perMinute)).toEqual({ granted: true });
      const slots: number[] = [];
      for (let i = 0; i < 3; i += 1) slots.push(slotOf(await rateLimiter.acquire('acme', 'genesys:acme', perMinute))!);
      // A strike (the first overshoot at the stated limit); slots are whole milliseconds.
      for (const gap of gaps(slots)) expect(Math.abs(gap - 208 / 0.9)).toBeLessThanOrEqual(1);
    });
  });
});
