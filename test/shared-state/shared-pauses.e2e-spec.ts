import { MetricFactory } from '@lib/observability';
import { RedisConnection, SharedPauses, SharedStateOptions } from '@lib/resilience';
import { waitUntil } from '@lib/testing';
import { randomBytes } from 'node:crypto';
import { register } from 'prom-client';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const T0 = 1_800_000_000_000;

describe(SharedPauses.name, () => {
  const options = (redisUrl?: string): SharedStateOptions => ({
    redisUrl,
    keyPrefix: `pauses-e2e-${randomBytes(4).toString('hex')}:`,
    expectedReplicas: 2,
    maxRateLimitWaitMs: 1000,
    staleClaimMs: 60_000,
  });
  const metrics = new MetricFactory({ serviceName: 'pauses-e2e', version: '0', logLevel: 'silent' });
  const shared = options(REDIS_URL);
  const connections = [new RedisConnection(shared, metrics), new RedisConnection(shared, metrics)];
  const [a, b] = connections.map((connection) => new SharedPauses(connection, shared));

  beforeAll(async () => {
    await waitUntil('both replicas connected to Redis', () => connections.every((connection) => connection.available));
  });

  afterAll(async () => {
    await Promise.all(connections.map((connection) => connection.onApplicationShutdown()));
    register.clear();
  });

  it('pauses a key for every replica through Redis, until the moment given', async () => {
    const now = Date.now();
    await a.pause('genesys:acme', now + 5_000, now);
    expect(await b.pausedUntil('genesys:acme', now)).toBe(now + 5_000);
    expect(await b.pausedUntil('genesys:acme', now + 5_001)).toBeUndefined();
    expect(await b.pausedUntil('genesys:globex', now)).toBeUndefined();
  });

  it('only ever extends a pause: a later, shorter one does not shorten it', async () => {
    const now = Date.now();
    await a.pause('genesys:initech', now + 10_000, now);
    await b.pause('genesys:initech', now + 2_000, now);
    expect(await a.pausedUntil('genesys:initech', now)).toBe(now + 10_000);
    await b.pause('genesys:initech', now + 20_000, now);
    expect(await a.pausedUntil('genesys:initech', now)).toBe(now + 20_000);
  });

  it('holds a pause in the process when Redis is not configured', async () => {
    const local = options();
    const pauses = new SharedPauses(new RedisConnection(local, metrics), local);
    await pauses.pause('genesys:acme', T0 + 3_000, T0);
    await pauses.pause('genesys:acme', T0 + 1_000, T0);
    expect(await pauses.pausedUntil('genesys:acme', T0)).toBe(T0 + 3_000);
    expect(await pauses.pausedUntil('genesys:acme', T0 + 3_000)).toBeUndefined();
  });
});
