import { Logger } from '@nestjs/common';
import { MetricFactory, TenantLabel, VerifiedTenants } from '@lib/observability';
import {
  AdaptivePace,
  EventLoopLag,
  RateLimit,
  RedisConnection,
  SendSchedule,
  SharedStateOptions,
  TenantRateLimiter,
} from '@lib/resilience';
import { busiestWindow, waitUntil } from '@lib/testing';
import { randomBytes } from 'node:crypto';
import { register } from 'prom-client';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Genesys-shaped (a count per window, with a burst), in a window of 10 s to keep the run short. */
const LIMIT: RateLimit = { count: 100, perMs: 10_000, burst: 10 };
/** Long enough to fill one window and start the next. */
const RUN_MS = 12_000;
const CONSUMERS_PER_REPLICA = 5;
const observability = { serviceName: 'shared-rate-limit-e2e', version: '0', logLevel: 'silent' };

/**
 * The schedule's spacing is what these tests measure. A replica whose event loop lags spaces its slots
 * wider (the limiter's unit spec shows by how much), and a test worker among many lags by tens of
 * milliseconds at times: these replicas' loops are taken to keep time.
 */
const STEADY_LOOP = { recentMs: () => 0 } as unknown as EventLoopLag;

/** One replica: its own Redis connection, limiter and pace, as a separate process would have. */
function replica(options: SharedStateOptions): { connection: RedisConnection; limiter: TenantRateLimiter } {
  const metrics = new MetricFactory(observability);
  const connection = new RedisConnection(options, metrics);
  const tenantLabel = new TenantLabel(observability, new VerifiedTenants(observability));
  return {
    connection,
    limiter: new TenantRateLimiter(
      new SendSchedule(connection, options),
      options,
      metrics,
      tenantLabel,
      new AdaptivePace(connection, options),
      STEADY_LOOP,
    ),
  };
}

/**
 * Consumers of one key on one replica until `until`: each asks for a slot and, when parked, comes
 * back at its slot with it, as a message waiting in the broker does. Records when grants were given.
 */
async function drive(limiter: TenantRateLimiter, key: string, until: number, grants: number[]): Promise<void> {
  const consumer = async () => {
    let reservedSlotAt: number | undefined;
    while (Date.now() < until) {
      const decision = await limiter.acquire('acme', key, LIMIT, reservedSlotAt);
      if (decision.granted) {
        grants.push(Date.now());
        reservedSlotAt = undefined;
      } else {
        reservedSlotAt = decision.slotAt;
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(decision.slotAt, until) - Date.now())));
      }
    }
  };
  await Promise.all(Array.from({ length: CONSUMERS_PER_REPLICA }, consumer));
}

/** The most grants of both replicas within any sliding window of the limit's length. */
const busiestWindowOf = (grants: number[][]) => busiestWindow(grants.flat(), LIMIT.perMs);

/**
 * Two replicas sharing one limit through Redis (real, under a throw-away key prefix), on the wall
 * clock: once as deployed (each expects the other), once with one replica more than they expect. The
 * schedule is one for all replicas in both cases. Both run at the same time.
 */
describe('TenantRateLimiter: one limit shared by two replicas through Redis', () => {
  const run = randomBytes(4).toString('hex');
  const keyPrefix = `rate-e2e-${run}:`;
  const base = { redisUrl: REDIS_URL, keyPrefix, maxRateLimitWaitMs: 1000, staleClaimMs: 60_000 };
  const expected = [replica({ ...base, expectedReplicas: 2 }), replica({ ...base, expectedReplicas: 2 })];
  const unexpected = [replica({ ...base, expectedReplicas: 1 }), replica({ ...base, expectedReplicas: 1 })];
  /** Replicas that park every request they cannot send at once, to watch the slots Redis hands out. */
  const parking = [
    replica({ ...base, expectedReplicas: 2, maxRateLimitWaitMs: 0 }),
    replica({ ...base, expectedReplicas: 2, maxRateLimitWaitMs: 0 }),
  ];
  const replicas = [...expected, ...unexpected, ...parking];
  const keys = { expected: `genesys:expected-${run}`, unexpected: `genesys:unexpected-${run}`, parked: `meta:parked-${run}` };
  const grants = { expected: [[], []] as number[][], unexpected: [[], []] as number[][] };
  let started = 0;
  /** Grants within the first window after the run started. */
  const firstWindow = (replicaGrants: number[][]) => replicaGrants.flat().filter((at) => at < started + LIMIT.perMs).length;

  beforeAll(async () => {
    await waitUntil('every replica connected to Redis', () => replicas.every(({ connection }) => connection.available));
    started = Date.now();
    const until = started + RUN_MS;
    await Promise.all([
      ...expected.map(({ limiter }, i) => drive(limiter, keys.expected, until, grants.expected[i])),
      ...unexpected.map(({ limiter }, i) => drive(limiter, keys.unexpected, until, grants.unexpected[i])),
    ]);
  }, RUN_MS + 30_000);

  afterAll(async () => {
    // Closing the connections is not an outage worth a log line here.
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const client = replicas[0].connection.client!;
    const left = await client.keys(`${keyPrefix}*`);
    if (left.length > 0) await client.del(...left);
    const closed = replicas.map(({ connection }) => new Promise((resolve) => connection.client!.once('end', resolve)));
    await Promise.all(replicas.map(({ connection }) => connection.onApplicationShutdown()));
    await Promise.all(closed);
    jest.restoreAllMocks();
    register.clear();
  });

  it('keeps both replicas together within the limit in any window, using at least 90 % of it, each taking about its half', () => {
    expect(busiestWindowOf(grants.expected)).toBeLessThanOrEqual(LIMIT.count);
    expect(firstWindow(grants.expected)).toBeGreaterThanOrEqual(0.9 * LIMIT.count);
    for (const replicaGrants of grants.expected) expect(replicaGrants.length).toBeGreaterThanOrEqual(0.4 * LIMIT.count);
  });

  it('holds replicas that each expect to be alone to the limit together just the same', () => {
    expect(busiestWindowOf(grants.unexpected)).toBeLessThanOrEqual(LIMIT.count);
    expect(firstWindow(grants.unexpected)).toBeGreaterThanOrEqual(0.9 * LIMIT.count);
    // Each alone would have taken the whole limit.
    for (const replicaGrants of grants.unexpected) expect(replicaGrants.length).toBeLessThan(0.75 * LIMIT.count);
  });

  it('keeps its state in Redis under the key prefix only', async () => {
    const client = replicas[0].connection.client!;
    const stored = await client.keys(`*${run}*`);
    expect(stored).toContain(`${keyPrefix}slot:${keys.unexpected}`);
    expect(stored.every((key) => key.startsWith(keyPrefix))).toBe(true);
  });

  it('hands the requests of both replicas distinct slots of one schedule, one paced interval apart', async () => {
    const perSecond: RateLimit = { count: 10, perMs: 1000 };
    const [a, b] = parking.map(({ limiter }) => limiter);
    // The first request of an idle key goes at once, on whichever replica; the next ones are parked.
    expect(await a.acquire('acme', keys.parked, perSecond)).toEqual({ granted: true });
    const slots: Array<{ at: number; roundTripMs: number }> = [];
    for (let i = 0; i < 6; i += 1) {
      const askedAt = Date.now();
      const decision = await (i % 2 ? a : b).acquire('acme', keys.parked, perSecond);
      expect(decision.granted).toBe(false);
      if (!decision.granted) slots.push({ at: decision.slotAt, roundTripMs: Date.now() - askedAt });
    }
    // 1000 ms / 10, 4 % under the limit. The schedule answers in whole milliseconds from now, and each replica
    // turns that into its own clock when the answer arrives: a slot is known here to within its request's round trip.
    for (let i = 1; i < slots.length; i += 1) {
      const gap = slots[i].at - slots[i - 1].at;
      expect(Math.abs(gap - 104)).toBeLessThanOrEqual(2 + slots[i].roundTripMs + slots[i - 1].roundTripMs);
    }
    expect(await parking[0].connection.client!.exists(`${keyPrefix}slot:${keys.parked}`)).toBe(1);
  });
});
