import { Inject, Injectable, Type } from '@nestjs/common';
import { DeliveryOutcome, SubscribeToWorkQueue, WorkQueueArguments } from '@lib/messaging';
import { TenantResilienceInterceptor } from '@lib/resilience';
import { ConsumeMessage } from 'amqplib';
import { DeliveryHooks } from './delivery-hooks';
import { DeliveryPipeline } from './delivery-pipeline.service';

export interface WorkQueueConsumer {
  handle(raw: Buffer, message: ConsumeMessage): Promise<DeliveryOutcome>;
}

/**
 * The consumer of a service's work queue: each message goes through the delivery pipeline with the
 * service's vendor hooks, inside the tenant's resilience policies; the outcome interceptor settles it.
 * An app names it: `class OutboundConsumer extends DeliveryConsumer(QUEUE, WhatsappDeliveryHooks) {}`.
 */
export function DeliveryConsumer<E, R>(queue: WorkQueueArguments, hooks: Type<DeliveryHooks<E, R>>): Type<WorkQueueConsumer> {
  @Injectable()
  class Consumer implements WorkQueueConsumer {
    constructor(
      private readonly pipeline: DeliveryPipeline,
      @Inject(hooks) private readonly vendor: DeliveryHooks<E, R>,
    ) {}

    @SubscribeToWorkQueue(queue, { interceptors: [TenantResilienceInterceptor] })
    handle(raw: Buffer, message: ConsumeMessage): Promise<DeliveryOutcome> {
      return this.pipeline.deliver(raw, message, this.vendor);
    }
  }
  return Consumer;
}
