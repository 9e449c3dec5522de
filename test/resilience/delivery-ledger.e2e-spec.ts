import { MetricFactory } from '@lib/observability';
import { ClaimResult, DeliveryLedger, RedisConnection, SharedStateOptions } from '@lib/resilience';
import { waitUntil } from '@lib/testing';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { register } from 'prom-client';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const DAY_MS = 24 * 60 * 60 * 1000;
const T0 = 1_800_000_000_000;

const claimedAt = (claim: ClaimResult): number => (claim.outcome === 'claimed' ? claim.claimedAt : NaN);

/** The delivery ledger on a real Redis (its Lua scripts), as two replicas share it. */
describe('DeliveryLedger on Redis (two replicas)', () => {
  const options: SharedStateOptions = {
    redisUrl: REDIS_URL,
    keyPrefix: `test-ledger-${randomBytes(4).toString('hex')}:`,
    expectedReplicas: 2,
    maxRateLimitWaitMs: 1000,
    staleClaimMs: 5_000,
  };
  const metrics = new MetricFactory({ serviceName: 'ledger-e2e', version: '0', logLevel: 'silent' });
  const connections = [new RedisConnection(options, metrics), new RedisConnection(options, metrics)];
  const [replicaA, replicaB] = connections.map((connection) => new DeliveryLedger(connection, options));
  const inspector = new Redis(REDIS_URL);
  let seq = 0;
  const messageId = () => `m-${++seq}`;
  const messageKey = (tenantId: string, id: string) => `${options.keyPrefix}msg:${tenantId}:${id}`;
  const at = (ms: number) => jest.spyOn(Date, 'now').mockReturnValue(T0 + ms);

  beforeAll(async () => {
    await waitUntil('both replicas to reach Redis', () => connections.every((connection) => connection.available));
  });

  afterEach(() => jest.restoreAllMocks());

  afterAll(async () => {
    const keys = await inspector.keys(`${options.keyPrefix}*`);
    if (keys.length > 0) await inspector.del(...keys);
    inspector.disconnect();
    await Promise.all(connections.map((connection) => connection.onApplicationShutdown()));
    register.clear();
  });

  it('lets one replica claim a message; the other sees it in progress, per tenant, for a day at most', async () => {
    const id = messageId();
    at(0);
    expect(await replicaA.claim('acme', id)).toMatchObject({ outcome: 'claimed' });
    expect(await replicaB.claim('acme', id)).toEqual({ outcome: 'in-progress' });
    expect(await replicaB.claim('globex', id)).toMatchObject({ outcome: 'claimed' });
    expect(await inspector.get(messageKey('acme', id))).toBe(`processing:${T0}`);
    const ttl = await inspector.ttl(messageKey('acme', id));
    expect(ttl).toBeGreaterThan(DAY_MS / 1000 - 60);
    expect(ttl).toBeLessThanOrEqual(DAY_MS / 1000);
  });

  it('lets the other replica take over a claim older than staleClaimMs, and only then', async () => {
    const id = messageId();
    at(0);
    await replicaA.claim('acme', id);
    at(options.staleClaimMs);
    expect(await replicaB.claim('acme', id)).toEqual({ outcome: 'in-progress' });
    at(options.staleClaimMs + 1);
    expect(await replicaB.claim('acme', id)).toMatchObject({ outcome: 'claimed' });
    expect(await replicaA.claim('acme', id)).toEqual({ outcome: 'in-progress' });
  });

  it("shares a send recorded by one replica with the other, receipt and all, whatever the claim's age", async () => {
    const id = messageId();
    at(0);
    await replicaA.claim('acme', id);
    await replicaA.markSent('acme', id, { wamid: 'wamid.HBgLMTY0', messageStatus: 'accepted' });
    at(options.staleClaimMs * 10);
    expect(await replicaB.claim('acme', id)).toEqual({ outcome: 'sent', receipt: { wamid: 'wamid.HBgLMTY0', messageStatus: 'accepted' } });
    expect(await inspector.ttl(messageKey('acme', id))).toBeGreaterThan(DAY_MS / 1000 - 60);
  });

  it('gives up a claim on release so the other replica can handle a retry; a release never erases a sent record', async () => {
    const id = messageId();
    const first = await replicaA.claim('acme', id);
    await replicaA.release('acme', id, claimedAt(first));
    const second = await replicaB.claim('acme', id);
    expect(second).toMatchObject({ outcome: 'claimed' });
    await replicaB.markSent('acme', id, null);
    await replicaB.release('acme', id, claimedAt(second));
    expect(await replicaA.claim('acme', id)).toEqual({ outcome: 'sent', receipt: null });
  });

  it('keeps the claim the other replica took over when the stale one is given up late', async () => {
    const id = messageId();
    at(0);
    const stale = await replicaA.claim('acme', id);
    at(options.staleClaimMs + 1);
    expect(await replicaB.claim('acme', id)).toMatchObject({ outcome: 'claimed' });
    await replicaA.release('acme', id, claimedAt(stale));
    expect(await replicaA.claim('acme', id)).toEqual({ outcome: 'in-progress' });
  });

  it('reads a record an earlier version wrote (the bare vendor id) through the claim script, never as claimable', async () => {
    const id = messageId();
    await inspector.set(messageKey('acme', id), 'sent:wamid.HBgLMTY0');
    expect(await replicaA.claim('acme', id)).toEqual({ outcome: 'sent', receipt: 'wamid.HBgLMTY0' });
  });
});
