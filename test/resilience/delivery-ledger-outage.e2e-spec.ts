import { MetricFactory } from '@lib/observability';
import { DeliveryLedger, RedisConnection, SharedStateOptions } from '@lib/resilience';
import { PrivateRedisServer, stallAfterNextWrite, waitUntil } from '@lib/testing';
import Redis from 'ioredis';
import { register } from 'prom-client';

/** Two replicas' ledgers on a Redis of the test's own, which is paused, stopped and started again. */
describe('DeliveryLedger across replicas while Redis fails (a private Redis server)', () => {
  let server: PrivateRedisServer;
  let admin: Redis;
  const connections: RedisConnection[] = [];

  beforeAll(async () => {
    server = await PrivateRedisServer.start();
    admin = new Redis(server.url, { maxRetriesPerRequest: 1 });
  });

  afterAll(async () => {
    await Promise.all(connections.map((connection) => connection.onApplicationShutdown()));
    admin.disconnect();
    await server.dispose();
    register.clear();
  });

  async function replica(expectedReplicas: number): Promise<{ connection: RedisConnection; ledger: DeliveryLedger }> {
    const options: SharedStateOptions = {
      redisUrl: server.url,
      keyPrefix: 'outage:',
      expectedReplicas,
      maxRateLimitWaitMs: 1000,
      staleClaimMs: 60_000,
    };
    const connection = new RedisConnection(options, new MetricFactory({ serviceName: 'ledger-outage', version: '0', logLevel: 'silent' }));
    connections.push(connection);
    await waitUntil('Redis connected', () => connection.available);
    return { connection, ledger: new DeliveryLedger(connection, options) };
  }

  it('treats a command that timed out on an open connection as an outage once a PING fails too, until one answers', async () => {
    const { connection, ledger } = await replica(2);
    await admin.client('PAUSE', 3000, 'ALL');

    expect(await ledger.claim('acme', 'paused-1')).toEqual({ outcome: 'unavailable' });
    await waitUntil('the PING after the timeout to fail too', () => !connection.available, 2500);
    await waitUntil('a PING after the pause to answer', () => connection.available, 5000);
    expect(await ledger.claim('acme', 'paused-2')).toMatchObject({ outcome: 'claimed' });
    expect(await admin.get('outage:msg:acme:paused-2')).toMatch(/^processing:/);
  });

  it('stays on Redis when a command timed out only because this process stalled past the command timeout', async () => {
    const { connection, ledger } = await replica(2);
    // The command timeout is 1 s: Redis runs the claim, and the reply is read too late.
    stallAfterNextWrite(connection.client!, 1500);
    const claim = ledger.claim('acme', 'stalled-1');

    expect(await claim).toEqual({ outcome: 'unavailable' });
    expect(await admin.get('outage:msg:acme:stalled-1')).toMatch(/^processing:/);
    expect(await ledger.claim('acme', 'stalled-2')).toMatchObject({ outcome: 'claimed' });
    expect(await admin.get('outage:msg:acme:stalled-2')).toMatch(/^processing:/);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(connection.available).toBe(true);
  });

  it('claims nothing without Redis when replicas share the queue, and writes a sent record Redis missed once it is back', async () => {
    const [first, second] = [await replica(2), await replica(2)];
    expect(await first.ledger.claim('acme', 'm-1')).toMatchObject({ outcome: 'claimed' });

    await server.stop();
    await first.ledger.markSent('acme', 'm-1', { wamid: 'wamid.1' });
    expect(await second.ledger.claim('acme', 'm-1')).toEqual({ outcome: 'unavailable' });
    expect(await second.ledger.claim('acme', 'm-2')).toEqual({ outcome: 'unavailable' });
    // The replica that sent it still knows, without Redis.
    expect(await first.ledger.claim('acme', 'm-1')).toEqual({ outcome: 'sent', receipt: { wamid: 'wamid.1' } });

    // The server comes back empty: only the replica that kept the record can have put it there.
    await server.start();
    await waitUntil('both replicas to reconnect', () => first.connection.available && second.connection.available, 15_000);
    await waitUntil('the kept record to reach Redis', async () => (await admin.get('outage:msg:acme:m-1')) !== null, 5000);
    expect(await second.ledger.claim('acme', 'm-1')).toEqual({ outcome: 'sent', receipt: { wamid: 'wamid.1' } });
    expect(await second.ledger.claim('acme', 'm-2')).toMatchObject({ outcome: 'claimed' });
  });

  it('lets a single replica go on claiming in process while Redis is down', async () => {
    const { connection, ledger } = await replica(1);
    await server.stop();
    await waitUntil('the loss to be noticed', () => !connection.available, 5000);
    expect(await ledger.claim('acme', 'solo-1')).toMatchObject({ outcome: 'claimed' });
    expect(await ledger.claim('acme', 'solo-1')).toEqual({ outcome: 'in-progress' });
    await server.start();
  });
});
