import { Injectable } from '@nestjs/common';
import { GENESYS_INBOUND_QUEUE } from '@lib/contracts';
import { DeliveryPipeline } from '@lib/delivery';
import { DeliveryOutcome, SubscribeToWorkQueue } from '@lib/messaging';
import { TenantResilienceInterceptor } from '@lib/resilience';
import { ConsumeMessage } from 'amqplib';
import { GenesysDeliveryHooks } from './genesys-delivery.hooks';

/** Consumes `inbound-processed`; the outcome each message reaches is settled by the interceptors. */
@Injectable()
export class InboundConsumer {
  constructor(
    private readonly pipeline: DeliveryPipeline,
    private readonly genesys: GenesysDeliveryHooks,
  ) {}

  @SubscribeToWorkQueue(GENESYS_INBOUND_QUEUE, { interceptors: [TenantResilienceInterceptor] })
  handle(raw: Buffer, message: ConsumeMessage): Promise<DeliveryOutcome> {
    return this.pipeline.deliver(raw, message, this.genesys);
  }
}
