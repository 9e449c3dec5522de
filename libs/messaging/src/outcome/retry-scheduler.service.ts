import { AmqpConnection } from '@golevelup/nestjs-rabbitmq';
import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { DeliveryError, RetryDelay } from '@lib/resilience';
import { ConsumeMessage } from 'amqplib';
import { MESSAGING_OPTIONS } from '../messaging.constants';
import { MessagingOptions } from '../messaging.options';
import { BrokerPublisher } from '../publishing/broker-publisher.service';
import { retryQueueName, tenantDelayQueueDeclaration } from '../topology/work-queue-topology';
import { DeliveryHeader, DeliveryState, deliveryStateHeaders } from './delivery-headers';
import { copiedProperties } from './copied-properties';

const REDECLARE_AFTER_MS = 60 * 60 * 1000;

/**
 * Parks a copy of a message in the wait queue of its delay tier, or in its tenant's own delay queue.
 * The broker dead-letters it back into the work queue when its TTL runs out, so the wait survives a
 * crash and holds no consumer slot.
 */
@Injectable()
export class RetryScheduler {
  private readonly declaredTenantQueues = new LRUCache<string, number>({ max: 100_000 });

  constructor(
    private readonly amqp: AmqpConnection,
    private readonly publisher: BrokerPublisher,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {}

  /** `tenantId`: park in that tenant's own delay queue instead of the shared tier queue. */
  async schedule(message: ConsumeMessage, state: DeliveryState, delay: RetryDelay, cause: DeliveryError, tenantId?: string): Promise<void> {
    const properties = copiedProperties(message, {
      ...deliveryStateHeaders(state),
      [DeliveryHeader.LAST_ERROR_CATEGORY]: cause.category,
      ...(cause.details.code !== undefined ? { [DeliveryHeader.LAST_ERROR_CODE]: String(cause.details.code) } : {}),
    });
    const queue = tenantId ? await this.tenantDelayQueue(tenantId) : retryQueueName(this.options.topology, delay.tierMs);
    await this.publisher.publish('', queue, message.content, { ...properties, expiration: String(Math.max(0, Math.round(delay.delayMs))) });
  }

  /** Declared on first use by this process, then again every hour so that it never counts as unused. */
  private async tenantDelayQueue(tenantId: string): Promise<string> {
    const declaration = tenantDelayQueueDeclaration(this.options.topology, tenantId);
    const declaredAt = this.declaredTenantQueues.get(declaration.name);
    if (declaredAt === undefined || Date.now() - declaredAt > REDECLARE_AFTER_MS) {
      await this.amqp.managedChannel.assertQueue(declaration.name, { durable: true, arguments: declaration.arguments });
      this.declaredTenantQueues.set(declaration.name, Date.now());
    }
    return declaration.name;
  }
}
