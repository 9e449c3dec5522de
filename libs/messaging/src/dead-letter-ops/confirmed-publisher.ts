import { ChannelModel, ConfirmChannel, Message, Options } from 'amqplib';

interface PendingPublish {
  routingKey: string;
  content: Buffer;
  returned: boolean;
}

/**
 * Publishes and resolves each publish only once the broker confirmed it; several may be in flight.
 * Publishes are mandatory: a message no queue is bound to take comes back (`basic.return`, sent
 * before its confirm) and counts as a failure instead of being confirmed and dropped. A confirm wait
 * is bounded, since a publish on a channel that closes meanwhile may otherwise never settle.
 */
export class ConfirmedPublisher {
  private readonly pending: PendingPublish[] = [];
  private closedBecause?: Error;

  private constructor(
    private readonly channel: ConfirmChannel,
    private readonly confirmTimeoutMs: number,
  ) {
    channel.on('return', (message: Message) => this.markReturned(message));
    channel.on('error', (error: Error) => (this.closedBecause = error));
    channel.on('close', () => (this.closedBecause ??= new Error('channel closed')));
  }

  static async open(connection: ChannelModel, confirmTimeoutMs: number): Promise<ConfirmedPublisher> {
    return new ConfirmedPublisher(await connection.createConfirmChannel(), confirmTimeoutMs);
  }

  async publish(exchange: string, routingKey: string, content: Buffer, options: Options.Publish): Promise<void> {
    if (this.closedBecause) throw new Error(`cannot publish: ${this.closedBecause.message}`);
    const record: PendingPublish = { routingKey, content, returned: false };
    this.pending.push(record);
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`the broker did not confirm within ${this.confirmTimeoutMs} ms`)),
          this.confirmTimeoutMs,
        );
        try {
          this.channel.publish(exchange, routingKey, content, { ...options, mandatory: true }, (error) => {
            clearTimeout(timer);
            if (error) reject(new Error(`the broker refused the publish: ${this.closedBecause?.message ?? String(error)}`));
            else resolve();
          });
        } catch (error) {
          clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
      if (record.returned) throw new Error(`no queue is bound to '${exchange}' for routing key '${routingKey}'`);
    } finally {
      this.pending.splice(this.pending.indexOf(record), 1);
    }
  }

  async close(): Promise<void> {
    await this.channel.close().catch(() => undefined);
  }

  /** Returns come back in publish order, so the oldest unconfirmed publish of the same message is the one. */
  private markReturned(message: Message): void {
    const match = this.pending.find(
      (pending) => !pending.returned && pending.routingKey === message.fields.routingKey && pending.content.equals(message.content),
    );
    if (match) match.returned = true;
  }
}
