import { ChannelModel, ConfirmChannel, Options } from 'amqplib';

/**
 * Publishes one message at a time and resolves only once the broker confirmed it. Publishes are
 * mandatory: a message no queue is bound to take comes back (`basic.return`, sent before the confirm)
 * and counts as a failure instead of being confirmed and dropped. A confirm wait is bounded, since a
 * publish on a channel that closes meanwhile may otherwise never settle.
 */
export class ConfirmedPublisher {
  private returned = false;
  private closedBecause?: Error;

  private constructor(
    private readonly channel: ConfirmChannel,
    private readonly confirmTimeoutMs: number,
  ) {
    channel.on('return', () => (this.returned = true));
    channel.on('error', (error: Error) => (this.closedBecause = error));
    channel.on('close', () => (this.closedBecause ??= new Error('channel closed')));
  }

  static async open(connection: ChannelModel, confirmTimeoutMs: number): Promise<ConfirmedPublisher> {
    return new ConfirmedPublisher(await connection.createConfirmChannel(), confirmTimeoutMs);
  }

  async publish(exchange: string, routingKey: string, content: Buffer, options: Options.Publish): Promise<void> {
    if (this.closedBecause) throw new Error(`cannot publish: ${this.closedBecause.message}`);
    this.returned = false;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the broker did not confirm within ${this.confirmTimeoutMs} ms`)), this.confirmTimeoutMs);
      try {
        this.channel.publish(exchange, routingKey, content, { ...options, mandatory: true }, (error) => {
          clearTimeout(timer);
          if (error) reject(new Error(`the broker refused the publish: ${this.closedBecause?.message ?? String(error)}`));
          else resolve();
        });
      } catch (error) {
        clearTimeout(timer);
        reject(error);
      }
    });
    if (this.returned) throw new Error(`no queue is bound to '${exchange}' for routing key '${routingKey}'`);
  }

  async close(): Promise<void> {
    await this.channel.close().catch(() => undefined);
  }
}
