import { Logger } from '@nestjs/common';
import { MetricFactory, TenantLabel, VerifiedTenants } from '@lib/observability';
import { register } from 'prom-client';
import { AdaptivePace } from './adaptive-pace.service';
import { RedisConnection } from './redis-connection.service';
import { SharedStateOptions } from './shared-state.options';
import { RateLimitDecision, TenantRateLimiter } from './tenant-rate-limiter.service';

const T0 = 1_700_000_000_000;
const NUMBER = '106540352242922';
const observability = { serviceName: 'limiter-spec', version: '0', logLevel: 'silent' };

/** Without Redis, one replica; every message beyond the first is parked at once (no in-process wait). */
function limiter(): TenantRateLimiter {
  const options: SharedStateOptions = {
    keyPrefix: 'limiter-spec:',
    expectedReplicas: 1,
    defaultMessagesPerSecond: 80,
    maxRateLimitWaitMs: 0,
    staleClaimMs: 60_000,
  };
  const metrics = new MetricFactory(observability);
  const redis = new RedisConnection(options, metrics);
  return new TenantRateLimiter(
    redis,
    options,
    metrics,
    new TenantLabel(observability, new VerifiedTenants(observability)),
    new AdaptivePace(redis, options),
  );
}

const slotOf = (decision: RateLimitDecision) => (decision.granted ? undefined : decision.slotAt);

describe(TenantRateLimiter.name, () => {
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'clearTimeout', 'queueMicrotask'] });
    jest.setSystemTime(T0);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
    register.clear();
  });

  async function parkedSlots(rateLimiter: TenantRateLimiter, count: number): Promise<number[]> {
    const slots: number[] = [];
    for (let i = 0; i < count; i += 1) slots.push(slotOf(await rateLimiter.acquire('acme', NUMBER, 10))!);
    return slots;
  }

  const gaps = (slots: number[]) => slots.slice(1).map((slot, i) => slot - slots[i]);

  it('hands parked messages slots one paced interval apart at the stated limit', async () => {
    const rateLimiter = limiter();
    expect(await rateLimiter.acquire('acme', NUMBER, 10)).toEqual({ granted: true });
    const slots = await parkedSlots(rateLimiter, 4);
    for (const gap of gaps(slots)) expect(gap).toBeCloseTo(104);
  });

  it('spaces slots wider after a 130429, by the decrease of the pace', async () => {
    const rateLimiter = limiter();
    await rateLimiter.acquire('acme', NUMBER, 10);
    const before = gaps(await parkedSlots(rateLimiter, 3));
    await rateLimiter.recordOvershoot(NUMBER, T0, 10);
    const after = gaps(await parkedSlots(rateLimiter, 3));
    expect(after[after.length - 1] / before[0]).toBeCloseTo(1 / 0.7);
  });
});
