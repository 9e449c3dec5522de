import { Inject, Injectable } from '@nestjs/common';
import { DeliveryError, RetryDelay } from '@lib/resilience';
import { ConsumeMessage } from 'amqplib';
import { MESSAGING_OPTIONS } from '../messaging.constants';
import { MessagingOptions } from '../messaging.options';
import { BrokerPublisher } from '../publishing/broker-publisher.service';
import { retryQueueName } from '../topology/work-queue-topology';
import { DeliveryHeader, DeliveryState, deliveryStateHeaders } from './delivery-headers';
import { copiedProperties } from './copied-properties';

/**
 * Parks a copy of a message in the wait queue of its delay tier. The broker dead-letters it back into
 * the work queue when its TTL runs out, so the wait survives a crash and holds no consumer slot.
 */
@Injectable()
export class RetryScheduler {
  constructor(
    private readonly publisher: BrokerPublisher,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {}

  async schedule(message: ConsumeMessage, state: DeliveryState, delay: RetryDelay, cause: DeliveryError): Promise<void> {
    const properties = copiedProperties(message, {
      ...deliveryStateHeaders(state),
      [DeliveryHeader.LAST_ERROR_CATEGORY]: cause.category,
      ...(cause.details.code !== undefined ? { 'x-last-error-code': String(cause.details.code) } : {}),
    });
    await this.publisher.publish('', retryQueueName(this.options.topology, delay.tierMs), message.content, {
      ...properties,
      expiration: String(delay.delayMs),
    });
  }
}
