import { Test, TestingModule } from '@nestjs/testing';
import { DeliveryState, DeliveryStateReader, MessagingModule, WorkQueueTopology } from '@lib/messaging';
import { RetryScheduler } from '@lib/messaging/outcome/retry-scheduler.service';
import { ObservabilityModule, VerifiedTenants } from '@lib/observability';
import { DeliveryError, DeliveryErrorCategory as Category } from '@lib/resilience';
import { createTestVhost, TestVhost, waitUntil } from '@lib/testing';
import * as amqplib from 'amqplib';

const TOPOLOGY: WorkQueueTopology = {
  exchange: 'sched-exchange',
  queue: 'sched-work',
  bindingKey: 'sched.work.*',
  deadLetterExchange: 'sched-dlx',
  deadLetterQueue: 'sched-failed',
  deadLetterRoutingKey: 'sched.failed',
  messageTtlMs: 60_000,
  retryDelayTiersMs: [100, 300],
};
const transient = new DeliveryError(Category.TRANSIENT, '(#131000) Something went wrong', { code: 131000 });
const throttled = new DeliveryError(Category.THROTTLED, 'rate limit slot reserved');

/**
 * The retry scheduler on a real broker: a parked copy waits in a tier queue or its tenant's delay
 * queue, the broker expires it back into the work queue, and the state reader trusts the bookkeeping
 * headers of what comes back (and only of that).
 */
describe('RetryScheduler on a real broker', () => {
  let vhost: TestVhost;
  let moduleRef: TestingModule;
  let connection: amqplib.ChannelModel;
  let channel: amqplib.Channel;
  let scheduler: RetryScheduler;
  let reader: DeliveryStateReader;

  /** The next message in `queue`, as a consumer would get it (a get's fields lack only the consumer tag). */
  async function next(queue: string): Promise<amqplib.ConsumeMessage> {
    let message: amqplib.GetMessage | false = false;
    await waitUntil(`a message in ${queue}`, async () => (message = await channel.get(queue, { noAck: true })) !== false);
    return message as unknown as amqplib.ConsumeMessage;
  }

  /** A message a publisher sent for `tenantId`, taken off the work queue, and the state the service read from it. */
  async function consumed(tenantId: string, body: unknown): Promise<{ message: amqplib.ConsumeMessage; state: DeliveryState }> {
    channel.publish(TOPOLOGY.exchange, `sched.work.${tenantId}`, Buffer.from(JSON.stringify(body)), {
      persistent: true,
      contentType: 'application/json',
      messageId: `id-${tenantId}`,
      // A publisher's own header travels with the copy; its forged bookkeeping never does.
      headers: { 'x-trace': 'publisher-trace', 'x-attempts': 99, 'x-slot-at': 1 },
    });
    const message = await next(TOPOLOGY.queue);
    return { message, state: reader.read(message) };
  }

  beforeAll(async () => {
    vhost = await createTestVhost('lib-scheduler');
    moduleRef = await Test.createTestingModule({
      imports: [
        ObservabilityModule.forRootAsync({ useFactory: () => ({ serviceName: 'scheduler-e2e', version: '0', logLevel: 'silent' }) }),
        MessagingModule.forRootAsync({
          useFactory: () => ({
            uri: vhost.url,
            prefetchCount: 10,
            publishTimeoutMs: 2000,
            connectTimeoutMs: 5000,
            topology: TOPOLOGY,
            retry: { baseDelayMs: 100, maxDelayMs: 300 },
            stateBounds: { maxAttempts: 3, maxSlotAheadMs: 60_000 },
          }),
        }),
      ],
    }).compile();
    await moduleRef.createNestApplication({ logger: false }).init();
    scheduler = moduleRef.get(RetryScheduler);
    reader = moduleRef.get(DeliveryStateReader);
    moduleRef.get(VerifiedTenants).confirm('acme');
    connection = await amqplib.connect(vhost.url);
    channel = await connection.createChannel();
  });

  afterAll(async () => {
    await connection?.close().catch(() => undefined);
    await moduleRef?.close();
    await vhost?.dispose();
  });

  it('reads a fresh delivery as fresh, whatever bookkeeping headers its publisher sent', async () => {
    const { state } = await consumed('globex', { id: 'fresh' });
    expect(state).toEqual({ attempts: 0, deferrals: 0, firstSeenAt: expect.any(Number), originalRoutingKey: 'sched.work.globex' });
  });

  it('expires a copy parked in its tier queue back into the work queue, where its state is trusted', async () => {
    const { message, state } = await consumed('globex', { id: 'tier' });
    const parked = { ...state, attempts: 2, deferrals: 1 };
    await scheduler.schedule(message, parked, { tierMs: 100, delayMs: 90 }, transient);

    const back = await next(TOPOLOGY.queue);
    expect(back.fields).toMatchObject({ exchange: '', routingKey: TOPOLOGY.queue });
    expect(back.properties.headers?.['x-death']).toEqual([
      expect.objectContaining({ queue: 'sched-work.retry.100ms', reason: 'expired', count: 1 }),
    ]);
    expect(JSON.parse(back.content.toString())).toEqual({ id: 'tier' });
    expect(back.properties).toMatchObject({ messageId: 'id-globex', contentType: 'application/json' });
    expect(back.properties.headers).toMatchObject({
      'x-trace': 'publisher-trace',
      'x-last-error-category': Category.TRANSIENT,
      'x-last-error-code': '131000',
    });
    expect(reader.comesBackFromOwnQueue(back)).toBe(true);
    expect(reader.read(back)).toEqual(parked);
  });

  it("expires a copy parked in its verified tenant's delay queue back into the work queue, slot and all", async () => {
    const { message, state } = await consumed('acme', { id: 'delay' });
    const parked = { ...state, deferrals: 3, slotAt: Date.now() + 150 };
    await scheduler.schedule(message, parked, { tierMs: 0, delayMs: 150 }, throttled, 'acme');

    const back = await next(TOPOLOGY.queue);
    expect(back.properties.headers?.['x-death']).toEqual([
      expect.objectContaining({ queue: `sched-work.delay.acme.${scheduler.replica}`, reason: 'expired', count: 1 }),
    ]);
    expect(reader.read(back)).toEqual(parked);
    expect(back.properties.headers).toMatchObject({ 'x-last-error-category': Category.THROTTLED });
    expect(back.properties.headers).not.toHaveProperty('x-last-error-code');
  });

  it("keeps a tenant's delay queue first in, first out: slots handed out in order come back in order", async () => {
    const first = await consumed('acme', { id: 'first' });
    const second = await consumed('acme', { id: 'second' });
    await scheduler.schedule(first.message, first.state, { tierMs: 0, delayMs: 150 }, throttled, 'acme');
    await scheduler.schedule(second.message, second.state, { tierMs: 0, delayMs: 250 }, throttled, 'acme');
    const order = [await next(TOPOLOGY.queue), await next(TOPOLOGY.queue)].map((message) => JSON.parse(message.content.toString()).id);
    expect(order).toEqual(['first', 'second']);
  });

  it('parks a tenant the tenant service never confirmed in the tier queue covering its wait, declaring no queue for it', async () => {
    const { message, state } = await consumed('unknown', { id: 'unverified' });
    await scheduler.schedule(message, state, { tierMs: 0, delayMs: 200 }, throttled, 'unknown');

    const back = await next(TOPOLOGY.queue);
    expect(back.properties.headers?.['x-death']).toEqual([expect.objectContaining({ queue: 'sched-work.retry.300ms', reason: 'expired' })]);
    expect(reader.read(back)).toEqual(state);
    const probe = await connection.createChannel();
    probe.on('error', () => undefined);
    await expect(probe.checkQueue(`sched-work.delay.unknown.${scheduler.replica}`)).rejects.toThrow(/NOT_FOUND/);
  });
});
