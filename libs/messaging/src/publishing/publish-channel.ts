import { AmqpConnection } from '@golevelup/nestjs-rabbitmq';
import { Injectable, Logger } from '@nestjs/common';
import { ChannelModel, ConfirmChannel } from 'amqplib';
import { BrokerUnavailableError } from './broker-unavailable.error';

/**
 * The confirm channel our publishes go on, opened on golevelup's current connection on first use and
 * again after the channel or the connection closes. Not amqp-connection-manager's channel: that one
 * keeps an unsent or unconfirmed message queued and re-sends it after a reconnect, so a publish we
 * gave up on (and handed its message back for) could still arrive later, and the timeout it offers
 * runs on while the broker blocks us. On a plain amqplib channel a publish is written at once or
 * refused, and amqplib settles every unconfirmed publish with an error when the channel closes.
 */
@Injectable()
export class PublishChannel {
  private readonly logger = new Logger('RabbitMQ');
  private opening?: Promise<ConfirmChannel>;
  private openedOn?: ChannelModel;
  private closedBecause?: Error;

  constructor(private readonly amqp: AmqpConnection) {}

  /** The channel on the current connection; rejects with `BrokerUnavailableError` if there is none. */
  current(): Promise<ConfirmChannel> {
    const connection = this.amqp.managedConnection?.connection;
    if (!connection) return Promise.reject(new BrokerUnavailableError('RabbitMQ is not connected'));
    if (!this.opening || this.openedOn !== connection) this.open(connection);
    return this.opening!;
  }

  /** Why the last channel closed, to explain the publishes it failed. */
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
        this.logger.warn({ event: 'publish_channel_error', reason: error.message });
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
