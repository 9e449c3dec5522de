import { MetricFactory } from '@lib/observability';
import { AccountHoldStore, accountHoldKeys, RedisConnection, SharedStateOptions } from '@lib/resilience';
import { waitUntil } from '@lib/testing';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const DAY_MS = 24 * 60 * 60 * 1000;
const T0 = 1_800_000_000_000;
const LOCKED = { code: 131031, reason: '(#131031) Account has been locked', probeIntervalMs: 60_000 };

/** The account-hold store on a real Redis, as two replicas share it. */
describe('AccountHoldStore on Redis (two replicas)', () => {
  const options: SharedStateOptions = {
    redisUrl: REDIS_URL,
    keyPrefix: `test-hold-${randomBytes(4).toString('hex')}:`,
    expectedReplicas: 2,
    maxRateLimitWaitMs: 1000,
    staleClaimMs: 5_000,
  };
  const metrics = new MetricFactory({ serviceName: 'account-hold-spec', version: '0', logLevel: 'silent' });
  const connections = [new RedisConnection(options, metrics), new RedisConnection(options, metrics)];
  const [replicaA, replicaB] = connections.map((connection) => new AccountHoldStore(connection, options));
  const inspector = new Redis(REDIS_URL);
  let tenantSeq = 0;
  const tenant = () => `tenant-${++tenantSeq}`;

  beforeAll(async () => {
    await waitUntil('both replicas to reach Redis', () => connections.every((connection) => connection.available));
  });

  afterAll(async () => {
    const keys = await inspector.keys(`${options.keyPrefix}*`);
    if (keys.length > 0) await inspector.del(...keys);
    inspector.disconnect();
    await Promise.all(connections.map((connection) => connection.onApplicationShutdown()));
  });

  it('shares a hold started on one replica with the other, under the key prefix, expiring a day after its next probe', async () => {
    const id = tenant();
    const { hold, started } = await replicaA.hold(id, LOCKED, T0);
    expect(started).toBe(true);
    expect(hold).toEqual({
      tenantId: id,
      code: 131031,
      reason: LOCKED.reason,
      since: T0,
      nextProbeAt: T0 + 60_000,
      probeIntervalMs: 60_000,
    });
    expect(await replicaB.admit(id, T0 + 1)).toEqual({ verdict: 'wait', hold, until: T0 + 60_000 });
    expect(await replicaB.get(id)).toEqual(hold);
    const ttl = await inspector.pttl(accountHoldKeys(options.keyPrefix, id).hold);
    expect(ttl).toBeGreaterThan(DAY_MS);
    expect(ttl).toBeLessThanOrEqual(DAY_MS + 60_000);
  });

  it('extends a running hold from either replica without moving its start; a shorter interval brings the probe forward', async () => {
    const id = tenant();
    await replicaA.hold(id, LOCKED, T0);
    const extended = await replicaB.hold(
      id,
      { code: 131042, reason: '(#131042) Business eligibility payment issue', probeIntervalMs: 20_000 },
      T0 + 10_000,
    );
    expect(extended).toEqual({
      started: false,
      hold: expect.objectContaining({ code: 131042, since: T0, nextProbeAt: T0 + 30_000, probeIntervalMs: 20_000 }),
    });
  });

  it('hands out exactly one probe per interval across replicas; the others wait for its verdict, then for the next interval', async () => {
    const id = tenant();
    await replicaA.hold(id, LOCKED, T0);
    const due = T0 + 60_000;
    const admissions = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? replicaA : replicaB).admit(id, due + i)));
    const probes = admissions.filter((admission) => admission.verdict === 'probe');
    expect(probes).toHaveLength(1);
    expect(probes[0]).toMatchObject({ hold: { nextProbeAt: expect.any(Number), probeVerdictAt: expect.any(Number) } });
    const claimedAt = (probes[0] as { hold: { nextProbeAt: number } }).hold.nextProbeAt - 60_000;
    for (const admission of admissions.filter((candidate) => candidate.verdict !== 'probe')) {
      expect(admission).toMatchObject({ verdict: 'wait', until: claimedAt + 5_000 });
    }
    expect(await replicaA.admit(id, claimedAt + 5_000)).toMatchObject({ verdict: 'wait', until: claimedAt + 60_000 });
    expect(await replicaB.admit(id, claimedAt + 60_000)).toMatchObject({ verdict: 'probe' });
  });

  it('lifts a hold for every replica and lists only the holds still running, oldest first', async () => {
    const [first, second, third] = [tenant(), tenant(), tenant()];
    await replicaA.hold(second, LOCKED, T0 + 2);
    await replicaB.hold(first, { ...LOCKED, code: 368, reason: '(#368) Temporarily blocked for policies violations' }, T0 + 1);
    await replicaA.hold(third, LOCKED, T0 + 3);
    expect(await replicaB.lift(third)).toMatchObject({ tenantId: third, code: 131031 });
    expect(await replicaA.lift(third)).toBeUndefined();
    expect(await replicaA.admit(third, T0 + 10)).toEqual({ verdict: 'clear' });

    await inspector.del(accountHoldKeys(options.keyPrefix, second).hold);
    const listed = await replicaB.list(10);
    const mine = listed.holds.filter((hold) => [first, second, third].includes(hold.tenantId));
    expect(mine).toEqual([expect.objectContaining({ tenantId: first, code: 368, since: T0 + 1 })]);
    expect(await inspector.zscore(accountHoldKeys(options.keyPrefix, second).index, second)).toBeNull();
  });
});
