import { Logger } from '@nestjs/common';
import { MetricFactory } from '@lib/observability';
import { register } from 'prom-client';
import { AdaptivePace } from './adaptive-pace.service';
import { RedisConnection } from './redis-connection.service';
import { SharedStateOptions } from './shared-state.options';

const T0 = 1_700_000_000_000;
const NUMBER = 'meta:106540352242922';
const META_80 = { count: 80, perMs: 1000 };
const options: SharedStateOptions = {
  keyPrefix: 'pace-spec:',
  expectedReplicas: 1,
  maxRateLimitWaitMs: 1000,
  staleClaimMs: 60_000,
};

/** Without Redis: the pace is learned per process, with the same rules. */
describe(`${AdaptivePace.name} without Redis`, () => {
  let pace: AdaptivePace;
  let warnings: jest.SpyInstance;
  const at = (ms: number) => jest.setSystemTime(T0 + ms);

  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    at(0);
    warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const metrics = new MetricFactory({ serviceName: 'pace-spec', version: '0', logLevel: 'silent' });
    pace = new AdaptivePace(new RedisConnection(options, metrics), options);
  });

  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
    register.clear();
  });

  it('paces at the stated limit until the vendor says it overshot', () => {
    expect(pace.limitOf(NUMBER, META_80)).toBe(80);
    expect(pace.limitOf('meta:another-number', { count: 20, perMs: 1000 })).toBe(20);
  });

  it('lowers the pace once per burst of overshoots, for that key only: a strike first, the lesson at the next burst', async () => {
    pace.limitOf(NUMBER, META_80);
    await Promise.all(Array.from({ length: 20 }, () => pace.recordOvershoot(NUMBER, T0, META_80)));
    expect(pace.limitOf(NUMBER, META_80)).toBeCloseTo(72);
    expect(pace.limitOf('meta:another-number', META_80)).toBe(80);

    at(1500);
    await pace.recordOvershoot(NUMBER, T0 + 1200, META_80);
    expect(pace.limitOf(NUMBER, META_80)).toBeCloseTo(72 * 0.7);
    expect(warnings.mock.calls.map(([line]) => line)).toEqual([
      {
        event: 'rate_limit_pace_lowered',
        key: NUMBER,
        perMs: 1000,
        statedLimit: 80,
        fromLimit: 80,
        limit: 72,
        strikes: 1,
      },
      {
        event: 'rate_limit_pace_lowered',
        key: NUMBER,
        perMs: 1000,
        statedLimit: 80,
        fromLimit: 72,
        limit: 50.4,
      },
    ]);
  });

  it('raises a lowered pace again while sends go through, and not while none do', async () => {
    await pace.recordOvershoot(NUMBER, T0, META_80);
    at(1000);
    await pace.sync(NUMBER, META_80);
    expect(pace.limitOf(NUMBER, META_80)).toBeCloseTo(72);

    pace.recordSent(NUMBER);
    at(2000);
    await pace.sync(NUMBER, META_80);
    expect(pace.limitOf(NUMBER, META_80)).toBeCloseTo(76);
  });
});
