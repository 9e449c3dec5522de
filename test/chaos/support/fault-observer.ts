import * as amqplib from 'amqplib';
import { once } from 'node:events';
import { ChaosContract, WHATSAPP_CHAOS } from './chaos-contract';
import { DeadLetterCopy } from './fault-outcome-count';

/** The observer's own queue for a copy of the service's outcome events, when they go to an exchange. */
const EVENTS_QUEUE = 'chaos.events';
const DEAD_LETTER_QUEUE = 'chaos.dead-letters';

const parse = (content: Buffer): any => {
  try {
    return JSON.parse(content.toString('utf8'));
  } catch {
    return undefined;
  }
};

/**
 * The test's side of the broker in a fault scenario: publishes envelopes as upstream does, and keeps
 * a copy of every outcome event (status events, correlation events) and dead letter of the service.
 * Its queues are durable, so after a broker restart `connect()` again picks up what was published while
 * the observer was away; a service that publishes its events to a queue of its own has that queue read
 * here. Attach it once the service has declared its exchanges and queues.
 */
export class FaultObserver {
  readonly events: any[] = [];
  readonly deadLetters: DeadLetterCopy[] = [];
  private connection?: amqplib.ChannelModel;
  private channel?: amqplib.ConfirmChannel;

  constructor(
    private readonly url: string,
    readonly contract: ChaosContract = WHATSAPP_CHAOS,
  ) {}

  /** The observer's queues and the dead-letter queue: not part of the work still to do. */
  get ownQueues(): string[] {
    const { events, egress } = this.contract;
    return ['queue' in events ? events.queue : EVENTS_QUEUE, DEAD_LETTER_QUEUE, egress.deadLetterQueue];
  }

  async connect(): Promise<void> {
    const connection = await amqplib.connect(this.url, { clientProperties: { connection_name: 'chaos-observer' } });
    // A broker that goes away closes the connection with an error; the scenario reconnects on purpose.
    connection.on('error', () => undefined);
    const channel = await connection.createConfirmChannel();
    channel.on('error', () => undefined);
    const { events, egress } = this.contract;
    let eventsQueue: string;
    if ('queue' in events) eventsQueue = events.queue;
    else {
      eventsQueue = (await channel.assertQueue(EVENTS_QUEUE, { durable: true })).queue;
      await channel.bindQueue(EVENTS_QUEUE, events.exchange, events.bindingKey);
    }
    await channel.assertQueue(DEAD_LETTER_QUEUE, { durable: true });
    await channel.bindQueue(DEAD_LETTER_QUEUE, egress.deadLetterExchange, egress.deadLetterRoutingKey);
    await channel.consume(eventsQueue, (message) => message && this.events.push(parse(message.content)), { noAck: true });
    await channel.consume(
      DEAD_LETTER_QUEUE,
      (message) => message && this.deadLetters.push({ headers: message.properties.headers ?? {}, body: parse(message.content) }),
      { noAck: true },
    );
    [this.connection, this.channel] = [connection, channel];
  }

  /** Publishes envelopes with the service's work routing key for their tenant, persistent, and waits for the broker's confirms. */
  async publish(envelopes: { metadata: { tenantId: string } }[]): Promise<void> {
    const prefix = this.contract.egress.workRoutingKeyPrefix;
    await this.publishRaw(envelopes.map((envelope) => ({ routingKey: `${prefix}${envelope.metadata.tenantId}`, body: envelope })));
  }

  /** Publishes bodies with routing keys and headers of the caller's choosing (a hostile publisher's), and waits for the confirms. */
  async publishRaw(messages: { routingKey: string; body: unknown; headers?: Record<string, unknown> }[]): Promise<void> {
    const channel = this.channel!;
    for (const { routingKey, body, headers } of messages) {
      const content = Buffer.from(JSON.stringify(body));
      const options = { persistent: true, contentType: 'application/json', headers };
      if (!channel.publish(this.contract.egress.exchange, routingKey, content, options)) await once(channel, 'drain');
    }
    await channel.waitForConfirms();
  }

  /** Ids with at least one event reporting them delivered. */
  deliveredIds(): Set<string> {
    const { contract } = this;
    return new Set(this.events.filter((event) => contract.isDeliveredEvent(event)).map((event) => contract.eventMessageId(event)!));
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
