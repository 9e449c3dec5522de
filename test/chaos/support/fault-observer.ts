import * as amqplib from 'amqplib';
import { once } from 'node:events';
import { DeadLetterCopy } from './fault-outcome-count';

const EXCHANGE = 'whatsapp-exchange';
const DEAD_LETTER_EXCHANGE = 'whatsapp-dlx';
const STATUS_QUEUE = 'chaos.status-events';
const DEAD_LETTER_QUEUE = 'chaos.dead-letters';
/** Queues of the observer itself and the dead-letter queue: not part of the work still to do. */
export const OBSERVER_QUEUES = [STATUS_QUEUE, DEAD_LETTER_QUEUE, 'outbound-failed'];

const parse = (content: Buffer): any => {
  try {
    return JSON.parse(content.toString('utf8'));
  } catch {
    return undefined;
  }
};

/**
 * The test's side of the broker in a fault scenario: publishes envelopes as upstream does, and keeps
 * a copy of every status event and dead letter in durable queues of its own. Those survive a broker
 * restart, so after one `connect()` again picks up what was published while the observer was away.
 * Attach it once the service has declared its exchanges.
 */
export class FaultObserver {
  readonly statusEvents: any[] = [];
  readonly deadLetters: DeadLetterCopy[] = [];
  private connection?: amqplib.ChannelModel;
  private channel?: amqplib.ConfirmChannel;

  constructor(private readonly url: string) {}

  async connect(): Promise<void> {
    const connection = await amqplib.connect(this.url, { clientProperties: { connection_name: 'chaos-observer' } });
    // A broker that goes away closes the connection with an error; the scenario reconnects on purpose.
    connection.on('error', () => undefined);
    const channel = await connection.createConfirmChannel();
    channel.on('error', () => undefined);
    await channel.assertQueue(STATUS_QUEUE, { durable: true });
    await channel.bindQueue(STATUS_QUEUE, EXCHANGE, 'outbound.status.*');
    await channel.assertQueue(DEAD_LETTER_QUEUE, { durable: true });
    await channel.bindQueue(DEAD_LETTER_QUEUE, DEAD_LETTER_EXCHANGE, 'outbound.failed');
    await channel.consume(STATUS_QUEUE, (message) => message && this.statusEvents.push(parse(message.content)), { noAck: true });
    await channel.consume(
      DEAD_LETTER_QUEUE,
      (message) => message && this.deadLetters.push({ headers: message.properties.headers ?? {}, body: parse(message.content) }),
      { noAck: true },
    );
    [this.connection, this.channel] = [connection, channel];
  }

  /** Publishes envelopes with `outbound.processed.{tenantId}`, persistent, and waits for the broker's confirms. */
  async publish(envelopes: { metadata: { tenantId: string } }[]): Promise<void> {
    await this.publishRaw(
      envelopes.map((envelope) => ({ routingKey: `outbound.processed.${envelope.metadata.tenantId}`, body: envelope })),
    );
  }

  /** Publishes bodies with routing keys and headers of the caller's choosing (a hostile publisher's), and waits for the confirms. */
  async publishRaw(messages: { routingKey: string; body: unknown; headers?: Record<string, unknown> }[]): Promise<void> {
    const channel = this.channel!;
    for (const { routingKey, body, headers } of messages) {
      const content = Buffer.from(JSON.stringify(body));
      const options = { persistent: true, contentType: 'application/json', headers };
      if (!channel.publish(EXCHANGE, routingKey, content, options)) await once(channel, 'drain');
    }
    await channel.waitForConfirms();
  }

  /** Messages ready in `queue` (0 when it does not exist). */
  async readyIn(queue: string): Promise<number> {
    const channel = await this.connection!.createChannel();
    channel.on('error', () => undefined);
    try {
      return (await channel.checkQueue(queue)).messageCount;
    } catch {
      return 0;
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.connection?.close().catch(() => undefined);
    this.connection = undefined;
  }
}
