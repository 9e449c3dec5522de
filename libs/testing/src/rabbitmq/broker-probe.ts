import * as amqplib from 'amqplib';

export interface ObservedMessage {
  routingKey: string;
  headers: Record<string, any>;
  /** AMQP properties (messageId, contentType …) as published. */
  properties: amqplib.MessageProperties;
  content: Buffer;
  /** When the probe received it (epoch ms), for latency measurements. */
  receivedAt: number;
  json<T = any>(): T;
}

const observed = (message: amqplib.ConsumeMessage | amqplib.GetMessage): ObservedMessage => ({
  routingKey: message.fields.routingKey,
  headers: message.properties.headers ?? {},
  properties: message.properties,
  content: message.content,
  receivedAt: Date.now(),
  json: () => JSON.parse(message.content.toString('utf8')),
});

/** Test-side access to the broker: publish envelopes, watch an exchange or a queue, read a queue. */
export class BrokerProbe {
  private constructor(
    private readonly connection: amqplib.ChannelModel,
    private readonly channel: amqplib.ConfirmChannel,
  ) {}

  /** The probe's connection is named, so tests can cut every other connection of a vhost. */
  static readonly CONNECTION_NAME = 'test-probe';

  static async connect(url: string): Promise<BrokerProbe> {
    const connection = await amqplib.connect(url, { clientProperties: { connection_name: BrokerProbe.CONNECTION_NAME } });
    const channel = await connection.createConfirmChannel();
    return new BrokerProbe(connection, channel);
  }

  async publish(exchange: string, routingKey: string, body: unknown, options: amqplib.Options.Publish = {}): Promise<void> {
    const content = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    this.channel.publish(exchange, routingKey, content, { persistent: true, contentType: 'application/json', ...options });
    await this.channel.waitForConfirms();
  }

  /** Collects every message published to `exchange` with a key matching `bindingKey` from now on. */
  async watch(exchange: string, bindingKey: string): Promise<ObservedMessage[]> {
    const seen: ObservedMessage[] = [];
    const { queue } = await this.channel.assertQueue('', { exclusive: true, autoDelete: true });
    await this.channel.bindQueue(queue, exchange, bindingKey);
    await this.channel.consume(queue, (message) => message && seen.push(observed(message)), { noAck: true });
    return seen;
  }

  /**
   * Collects every message that reaches the existing `queue` from now on, consuming it: the probe
   * stands in for the queue's real consumer (e.g. the service that reads a durable event queue).
   */
  async watchQueue(queue: string): Promise<ObservedMessage[]> {
    const seen: ObservedMessage[] = [];
    await this.channel.consume(queue, (message) => message && seen.push(observed(message)), { noAck: true });
    return seen;
  }

  /** Takes every message currently in `queue` (acking them). */
  async drain(queue: string): Promise<ObservedMessage[]> {
    const taken: ObservedMessage[] = [];
    for (;;) {
      const message = await this.channel.get(queue, { noAck: true });
      if (!message) return taken;
      taken.push(observed(message));
    }
  }

  async messageCount(queue: string): Promise<number> {
    return (await this.channel.checkQueue(queue)).messageCount;
  }

  async close(): Promise<void> {
    await this.connection.close().catch(() => undefined);
  }
}

/** Polls `condition` until it holds or `timeoutMs` passes; the failure names what was awaited. */
export async function waitUntil(description: string, condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
