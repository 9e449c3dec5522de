import { AmqpConnection } from '@golevelup/nestjs-rabbitmq';
import { Logger } from '@nestjs/common';
import { ChannelModel, ConfirmChannel } from 'amqplib';
import { BrokerUnavailableError } from './broker-unavailable.error';

/**
 * A confirm channel of our own on golevelup's current connection, opened on first use and again after
 * the channel or the connection closes. A channel the broker closes (a refused publish or
 * declaration) takes nothing else down with it: not the consumer's channel and its prefetch window,
 * not another purpose's channel.
 */
export abstract class ConnectionChannel {
  private readonly logger = new Logger('RabbitMQ');
  private opening?: Promise<ConfirmChannel>;
  private openedOn?: ChannelModel;
  private closedBecause?: Error;

  protected constructor(
    private readonly amqp: AmqpConnection,
    /** Names the channel in logs (`publish`, `declare`). */
    private readonly purpose: string,
  ) {}

  /** The channel on the current connection; rejects with `BrokerUnavailableError` if there is none. */
  current(): Promise<ConfirmChannel> {
    const connection = this.amqp.managedConnection?.connection;
    if (!connection) return Promise.reject(new BrokerUnavailableError('RabbitMQ is not connected'));
    if (!this.opening || this.openedOn !== connection) this.open(connection);
    return this.opening!;
  }

  /** Why the last channel closed, to explain the operations it failed. */
  get lastCloseReason(): string | undefined {
    return this.closedBecause?.message;
  }

  private open(connection: ChannelModel): void {
    this.openedOn = connection;
    const opening = connection.createConfirmChannel().then((channel) => {
      this.closedBecause = undefined;
      // Without an 'error' listener a channel error (e.g. an unknown exchange) would crash the process.
      channel.on('error', (error: Error) => {
        this.closedBecause = error;
        this.logger.warn({ event: `${this.purpose}_channel_error`, reason: error.message });
      });
      channel.on('close', () => this.forget(opening));
      return channel;
    });
    opening.catch((error: Error) => {
      this.closedBecause = error;
      this.forget(opening);
    });
    this.opening = opening;
  }

  private forget(opening: Promise<ConfirmChannel>): void {
    if (this.opening === opening) this.opening = undefined;
  }
}
