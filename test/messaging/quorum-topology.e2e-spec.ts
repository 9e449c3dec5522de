import { TopologyDeclarer, WorkQueueTopology } from '@lib/messaging';
import { inspectDeadLetters } from '@lib/messaging/dead-letter-ops';
import { tenantDelayQueueDeclaration } from '@lib/messaging/topology/work-queue-topology';
import { createTestVhost, TestVhost, waitUntil } from '@lib/testing';
import * as amqplib from 'amqplib';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const DELIVERY_LIMIT = 3;
const TOPOLOGY: WorkQueueTopology = {
  exchange: 'quorum-exchange',
  queue: 'quorum-work',
  bindingKey: 'quorum.work.*',
  deadLetterExchange: 'quorum-dlx',
  deadLetterQueue: 'quorum-failed',
  deadLetterRoutingKey: 'quorum.failed',
  messageTtlMs: 60_000,
  retryDelayTiersMs: [500],
  durableQueues: [{ name: 'quorum-events', arguments: {} }],
  queueKind: { type: 'quorum', deliveryLimit: DELIVERY_LIMIT },
};
const SHAPE = {
  messageIdHeader: 'x-internal-id',
  messageIdField: 'internalId',
  traceIdHeader: 'x-trace-id',
  workRoutingKeyPrefix: 'quorum.work.',
};

/** `rabbitmqctl list_queues` of the vhost: each queue's type and arguments (the broker's, not what we meant to send). */
async function queuesOf(vhost: TestVhost): Promise<Map<string, { type: string; arguments: Record<string, unknown> }>> {
  const { stdout } = await run('rabbitmqctl', ['-q', 'list_queues', '-p', vhost.name, 'name', 'type', 'arguments', '--formatter', 'json']);
  const rows = JSON.parse(stdout) as Array<{ name: string; type: string; arguments: Array<[string, string, unknown]> }>;
  return new Map(rows.map((row) => [row.name, { type: row.type, arguments: Object.fromEntries(row.arguments.map(([k, , v]) => [k, v])) }]));
}

describe('a work-queue topology of quorum queues on a real broker', () => {
  let vhost: TestVhost;
  let connection: amqplib.ChannelModel;
  let channel: amqplib.ConfirmChannel;

  beforeAll(async () => {
    vhost = await createTestVhost('quorum-topology');
    await new TopologyDeclarer(vhost.url, 5000).declare(TOPOLOGY);
    connection = await amqplib.connect(vhost.url);
    channel = await connection.createConfirmChannel();
    const delay = tenantDelayQueueDeclaration(TOPOLOGY, 'acme', 'a1b2c3');
    await channel.assertQueue(delay.name, { durable: true, arguments: delay.arguments });
  });

  afterAll(async () => {
    await connection?.close();
    await vhost?.dispose();
  });

  it('declares every queue as a quorum queue, and those that dead-letter do so at least once', async () => {
    const queues = await queuesOf(vhost);
    const atLeastOnce = { 'x-dead-letter-strategy': 'at-least-once', 'x-overflow': 'reject-publish' };
    expect([...queues.values()].map((queue) => queue.type)).toEqual([...queues.keys()].map(() => 'quorum'));
    expect([...queues.keys()].sort()).toEqual([
      'quorum-events',
      'quorum-failed',
      'quorum-work',
      'quorum-work.delay.acme.a1b2c3',
      'quorum-work.retry.500ms',
    ]);
    expect(queues.get('quorum-work')!.arguments).toMatchObject({ ...atLeastOnce, 'x-delivery-limit': DELIVERY_LIMIT });
    expect(queues.get('quorum-work.retry.500ms')!.arguments).toMatchObject(atLeastOnce);
    expect(queues.get('quorum-work.delay.acme.a1b2c3')!.arguments).toMatchObject(atLeastOnce);
  });

  it('declares the same topology again (another replica starting) without a mismatch', async () => {
    await expect(new TopologyDeclarer(vhost.url, 5000).declare(TOPOLOGY)).resolves.toBeUndefined();
  });

  it('brings a message back from a wait queue and a delay queue (per-message TTL) into the work queue', async () => {
    channel.sendToQueue('quorum-work.retry.500ms', Buffer.from('from-wait'), { persistent: true });
    channel.sendToQueue('quorum-work.delay.acme.a1b2c3', Buffer.from('from-delay'), { persistent: true, expiration: '300' });
    await channel.waitForConfirms();
    const back: string[] = [];
    await waitUntil(
      'both messages back in the work queue',
      async () => {
        const message = await channel.get('quorum-work', { noAck: true });
        if (message) back.push(message.content.toString());
        return back.length === 2;
      },
      10_000,
    );
    expect(back.sort()).toEqual(['from-delay', 'from-wait']);
  });

  it('dead-letters a message that every consumer gave back once the delivery limit is reached, with the broker reason', async () => {
    channel.publish(TOPOLOGY.exchange, 'quorum.work.acme', Buffer.from(JSON.stringify({ metadata: { internalId: 'crashes' } })), {
      persistent: true,
      headers: { 'x-internal-id': 'crashes' },
    });
    await channel.waitForConfirms();
    let deliveries = 0;
    await waitUntil(
      'the message to leave the work queue',
      async () => {
        const message = await channel.get('quorum-work');
        if (!message) return (await channel.checkQueue('quorum-work')).messageCount === 0 && deliveries > 0;
        deliveries += 1;
        // As a consumer that crashes would: the message goes back to the queue.
        channel.nack(message, false, true);
        return false;
      },
      10_000,
    );
    const { entries } = await inspectDeadLetters(connection, { queue: TOPOLOGY.deadLetterQueue, shape: SHAPE });
    expect(deliveries).toBe(DELIVERY_LIMIT + 1);
    expect(entries).toEqual([expect.objectContaining({ category: 'BROKER_DELIVERY_LIMIT' })]);
    expect(entries[0].reason).toMatch(/delivery_limit/);
  });
});
