import { AmqpConnection } from '@golevelup/nestjs-rabbitmq';
import { Inject, Injectable } from '@nestjs/common';
import { ConfirmChannel, Options } from 'amqplib';
import { BrokerFlowControl } from '../lifecycle/broker-flow-control.service';
import { MESSAGING_OPTIONS } from '../messaging.constants';
import { MessagingOptions } from '../messaging.options';
import { BrokerUnavailableError, PublishUnconfirmedError } from './broker-unavailable.error';
import { ConfirmDeadline } from './confirm-deadline';
import { PublishChannel } from './publish-channel';

/**
 * Persistent publishes that resolve only on the broker's confirm. While the broker blocks publishers
 * (resource alarm) a publish waits, unbounded: the broker takes it later, so giving up would only
 * duplicate it, and in-flight work is bounded by prefetch. Otherwise we refuse while disconnected and
 * bound the confirm wait, since a confirm that a dead connection never sends must not hold the
 * message forever. The error says whether anything was written: `BrokerUnavailableError` (certainly
 * not published) or `PublishUnconfirmedError` (may have been published).
 */
@Injectable()
export class BrokerPublisher {
  constructor(
    private readonly amqp: AmqpConnection,
    private readonly channel: PublishChannel,
    private readonly flow: BrokerFlowControl,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {}

  get connected(): boolean {
    return this.amqp.managedConnection?.isConnected() ?? false;
  }

  async publish(exchange: string, routingKey: string, content: Buffer, options: Options.Publish = {}): Promise<void> {
    await this.flow.whenUnblocked();
    if (!this.connected) throw new BrokerUnavailableError('RabbitMQ is not connected');
    const target = `'${exchange || routingKey}'`;
    const deadline = new ConfirmDeadline(this.flow, this.options.publishTimeoutMs);
    try {
      const channel = await deadline.race(this.channel.current()).catch((error: Error) => {
        throw new BrokerUnavailableError(`No channel to publish to ${target}: ${error.message}`);
      });
      const confirmed = this.write(channel, exchange, routingKey, content, { persistent: true, ...options }, target);
      await deadline.race(confirmed).catch((error: Error) => {
        throw new PublishUnconfirmedError(`Publish to ${target} not confirmed: ${error.message}`);
      });
    } finally {
      deadline.cancel();
    }
  }

  /** Writes the publish and returns its confirm; throws `BrokerUnavailableError` if amqplib refuses to write. */
  private write(
    channel: ConfirmChannel,
    exchange: string,
    routingKey: string,
    content: Buffer,
    options: Options.Publish,
    target: string,
  ): Promise<void> {
    let settle!: (error: Error | null) => void;
    const confirmed = new Promise<void>((resolve, reject) => (settle = (error) => (error ? reject(error) : resolve())));
    try {
      channel.publish(exchange, routingKey, content, options, (error: Error | null) => {
        const reason = this.channel.lastCloseReason;
        settle(error && reason ? new Error(`${error.message} (${reason})`) : error);
      });
    } catch (error) {
      throw new BrokerUnavailableError(`Publish to ${target} refused: ${(error as Error).message}`);
    }
    return confirmed;
  }
}
