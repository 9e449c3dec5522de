import { Logger } from '@nestjs/common';
import { MetricFactory } from '@lib/observability';
import { AdaptivePace, RedisConnection, SharedStateOptions } from '@lib/resilience';
import { waitUntil } from '@lib/testing';
import { randomBytes } from 'node:crypto';
import { register } from 'prom-client';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const T0 = 1_700_000_000_000;
const NUMBER = 'meta:106540352242922';
const META_80 = { count: 80, perMs: 1000 };

/** Two replicas sharing one Redis: what one learns from a 130429, the other paces by. */
describe('AdaptivePace shared through Redis', () => {
  const options: SharedStateOptions = {
    redisUrl: REDIS_URL,
    keyPrefix: `pace-e2e-${randomBytes(4).toString('hex')}:`,
    expectedReplicas: 2,
    maxRateLimitWaitMs: 1000,
    staleClaimMs: 60_000,
  };
  const metrics = new MetricFactory({ serviceName: 'pace-e2e', version: '0', logLevel: 'silent' });
  const connections = [new RedisConnection(options, metrics), new RedisConnection(options, metrics)];
  const [a, b] = connections.map((connection) => new AdaptivePace(connection, options));
  const at = (ms: number) => jest.setSystemTime(T0 + ms);
  let warnings: jest.SpyInstance;

  beforeAll(async () => {
    await waitUntil('both replicas connected to Redis', () => connections.every((connection) => connection.available));
  });

  beforeEach(() => {
    // Only the clock is fake: Redis' socket and timeouts run for real.
    jest.useFakeTimers({
      doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'setInterval', 'clearTimeout', 'clearInterval', 'queueMicrotask'],
    });
    warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  afterAll(async () => {
    // Closing the connections is not an outage worth a log line here.
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    await connections[0].client!.del(`${options.keyPrefix}pace:${NUMBER}`);
    const closed = connections.map((connection) => new Promise((resolve) => connection.client!.once('end', resolve)));
    await Promise.all(connections.map((connection) => connection.onApplicationShutdown()));
    await Promise.all(closed);
    register.clear();
  });

  it('slows every replica after one replica meets a 130429, once per burst', async () => {
    at(0);
    expect([a.limitOf(NUMBER, META_80), b.limitOf(NUMBER, META_80)]).toEqual([80, 80]);
    await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).recordOvershoot(NUMBER, T0, META_80)));
    expect(warnings).toHaveBeenCalledTimes(1);

    at(500);
    await Promise.all([a.sync(NUMBER, META_80), b.sync(NUMBER, META_80)]);
    // A first 130429 at the stated limit is a strike: 10 % lower for a moment.
    expect(a.limitOf(NUMBER, META_80)).toBeCloseTo(72);
    expect(b.limitOf(NUMBER, META_80)).toBeCloseTo(72);
  });

  it('raises the shared pace by the time sends went through, counted once for both replicas', async () => {
    at(1000);
    a.recordSent(NUMBER);
    b.recordSent(NUMBER);
    // Both sent during the 500 ms since their last sync; at 5 % of 80 msg/s per second that is +2, not +2 each.
    await Promise.all([a.sync(NUMBER, META_80), b.sync(NUMBER, META_80)]);
    await Promise.all([a.sync(NUMBER, META_80), b.sync(NUMBER, META_80)]);
    expect(a.limitOf(NUMBER, META_80)).toBeCloseTo(74);
    expect(b.limitOf(NUMBER, META_80)).toBeCloseTo(74);
  });

  it('acts on a later 130429 from the other replica: the second within a minute is the lesson', async () => {
    at(2500);
    await a.recordOvershoot(NUMBER, T0 + 2400, META_80);
    await b.sync(NUMBER, META_80);
    expect(b.limitOf(NUMBER, META_80)).toBeCloseTo(74 * 0.7);
  });
});
