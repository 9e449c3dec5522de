import { PrivateBrokerCluster, queueDepthsOf, waitUntil } from '@lib/testing';
import { QueueKind, tenantDelayQueueDeclaration, workQueueDeclaration } from '@lib/messaging';
import * as amqp from 'amqplib';
import { setTimeout as sleep } from 'node:timers/promises';
import { BROKER_ADVANCED_CONFIG, KILLED_NODE_DOWN_MS } from './support/broker-settings';
import { recordScenario } from './support/chaos-report';

/** The confirm timeout that file sets: a stranded forward is tried again this long after the last try at most. */
const CONFIRM_TIMEOUT_MS = Number(/dead_letter_worker_publisher_confirm_timeout,\s*(\d+)/.exec(BROKER_ADVANCED_CONFIG)![1]);
const QUEUE_KIND: QueueKind = { type: 'quorum', deliveryLimit: 20 };
const WORK_QUEUE = 'forwarding.work';
const DELAY_QUEUES = 6;
const PUBLISH_BEFORE_KILL_MS = 3_000;
const PUBLISH_AFTER_KILL_MS = 12_000;

/**
 * What the broker does with the services' wait and delay queues when a node is lost: expired messages
 * dead-letter at least once into the work queue, forwarded by the delay queue leader's dead-letter
 * worker. Six tenant delay queues and the work queue, all led from one node, take messages that expire
 * a few hundred ms later while that node is killed and, 20 s on, started again. On RabbitMQ 3.10 a
 * delay queue whose new leader forwards before the work queue's leader is known again keeps trying the
 * lost node, and holds its expired messages until the node is back (README, "Running on a RabbitMQ
 * cluster"); the row counts how many did.
 */
describe('at-least-once dead-lettering from the delay queues across the loss of their node (RabbitMQ cluster)', () => {
  let cluster: PrivateBrokerCluster;
  const connections: amqp.ChannelModel[] = [];

  beforeAll(async () => {
    cluster = await PrivateBrokerCluster.start(3, { advancedConfig: BROKER_ADVANCED_CONFIG });
  });

  afterAll(async () => {
    for (const connection of connections) await connection.close().catch(() => undefined);
    await cluster?.dispose();
  });

  async function connect(url: string): Promise<amqp.ChannelModel> {
    const connection = await amqp.connect(url);
    connection.on('error', () => undefined);
    connections.push(connection);
    return connection;
  }

  it('forwards every expired message into the work queue once the node is back, within its confirm timeout and the restart', async () => {
    const [lost, survivor, observerNode] = cluster.nodes;
    const urls = await cluster.addVhost('forwarding');
    const declaring = await (await connect(urls[0])).createChannel();
    const work = workQueueDeclaration({
      queue: WORK_QUEUE,
      deadLetterExchange: 'forwarding.dlx',
      deadLetterRoutingKey: WORK_QUEUE,
      messageTtlMs: 24 * 60 * 60_000,
      queueKind: QUEUE_KIND,
    });
    await declaring.assertQueue(work.name, { durable: true, arguments: work.arguments });
    const delayQueues = Array.from({ length: DELAY_QUEUES }, (_, i) =>
      tenantDelayQueueDeclaration({ queue: WORK_QUEUE, queueKind: QUEUE_KIND }, `t${i}`, 'r1'),
    );
    for (const queue of delayQueues) await declaring.assertQueue(queue.name, { durable: true, arguments: queue.arguments });

    const publisher = await (await connect(urls[1])).createConfirmChannel();
    const confirmed = new Set<string>();
    let nacked = 0;
    let publishing = true;
    const published = (async () => {
      for (let n = 0; publishing; n += 1) {
        const id = String(n);
        publisher.publish(
          '',
          delayQueues[n % DELAY_QUEUES].name,
          Buffer.from(id),
          { persistent: true, expiration: String(200 + (n % 5) * 100) },
          (error) => (error ? (nacked += 1) : confirmed.add(id)),
        );
        await sleep(5);
      }
      await publisher.waitForConfirms().catch(() => undefined);
    })();
    await sleep(PUBLISH_BEFORE_KILL_MS);
    lost.kill();
    await sleep(PUBLISH_AFTER_KILL_MS);
    publishing = false;
    await published;
    await sleep(KILLED_NODE_DOWN_MS - PUBLISH_AFTER_KILL_MS);

    const depths = async () => queueDepthsOf(await survivor.ctl('-s', 'list_queues', '-p', 'forwarding', 'name', 'messages'));
    const before = await depths();
    const stranded = delayQueues.filter((queue) => (before.get(queue.name) ?? 0) > 0);
    const strandedMessages = stranded.reduce((sum, queue) => sum + before.get(queue.name)!, 0);
    await lost.restart();
    const backAt = Date.now();
    // Expiry, the next try of a stranded forward and the new leader's catching up take the slack.
    await waitUntil(
      'every delay queue to be empty',
      async () => {
        const now = await depths();
        return delayQueues.every((queue) => now.get(queue.name) === 0);
      },
      CONFIRM_TIMEOUT_MS + 45_000,
    );
    const drainedAfterMs = Date.now() - backAt;

    const consumer = await (await connect(observerNode.vhostUrl('forwarding'))).createChannel();
    const arrived: string[] = [];
    await consumer.prefetch(500);
    await consumer.consume(WORK_QUEUE, (message) => {
      if (!message) return;
      arrived.push(message.content.toString());
      consumer.ack(message);
    });
    await waitUntil('the work queue to hand over every forwarded message', () => new Set(arrived).size >= confirmed.size, 30_000);
    await sleep(1_000);

    const distinct = new Set(arrived);
    const missing = [...confirmed].filter((id) => !distinct.has(id));
    recordScenario({
      scenario: `9c at-least-once dead-lettering of ${DELAY_QUEUES} delay queues into the work queue, kill -9 of their leaders' node (broker only)`,
      published: confirmed.size,
      sent: distinct.size,
      duplicates: arrived.length - distinct.size,
      deadLettered: 0,
      lost: missing.length,
      notes: `${stranded.length} of ${DELAY_QUEUES} delay queues held ${strandedMessages} expired messages ${KILLED_NODE_DOWN_MS / 1000} s after the kill; every one forwarded ${(drainedAfterMs / 1000).toFixed(1)} s after the node was back; ${nacked} publishes refused`,
    });
    expect(missing).toEqual([]);
  }, 240_000);
});
