import { AmqpConnection } from '@golevelup/nestjs-rabbitmq';
import { Inject, Injectable } from '@nestjs/common';
import { Options } from 'amqplib';
import { MESSAGING_OPTIONS } from '../messaging.constants';
import { MessagingOptions } from '../messaging.options';
import { BrokerUnavailableError } from './broker-unavailable.error';

/**
 * Persistent publishes that resolve only on the broker's confirm. A publish on a closed confirm
 * channel can otherwise wait forever, so we refuse while disconnected and bound every confirm wait.
 */
@Injectable()
export class BrokerPublisher {
  constructor(
    private readonly amqp: AmqpConnection,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {}

  get connected(): boolean {
    return this.amqp.managedConnection?.isConnected() ?? false;
  }

  async publish(exchange: string, routingKey: string, content: Buffer, options: Options.Publish = {}): Promise<void> {
    if (!this.connected) throw new BrokerUnavailableError('RabbitMQ is not connected');
    const publishOptions = { persistent: true, ...options, timeout: this.options.publishTimeoutMs };
    try {
      await this.amqp.publish(exchange, routingKey, content, publishOptions);
    } catch (error) {
      throw new BrokerUnavailableError(`Publish to '${exchange || routingKey}' not confirmed: ${(error as Error).message}`);
    }
  }
}
