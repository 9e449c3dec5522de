import { Injectable } from '@nestjs/common';
import { WHATSAPP_OUTBOUND_QUEUE } from '@lib/contracts';
import { DeliveryPipeline } from '@lib/delivery';
import { DeliveryOutcome, SubscribeToWorkQueue } from '@lib/messaging';
import { TenantResilienceInterceptor } from '@lib/resilience';
import { ConsumeMessage } from 'amqplib';
import { WhatsappDeliveryHooks } from './whatsapp-delivery.hooks';

/** Consumes `outbound-processed`; the outcome each message reaches is settled by the interceptors. */
@Injectable()
export class OutboundConsumer {
  constructor(
    private readonly pipeline: DeliveryPipeline,
    private readonly whatsapp: WhatsappDeliveryHooks,
  ) {}

  @SubscribeToWorkQueue(WHATSAPP_OUTBOUND_QUEUE, { interceptors: [TenantResilienceInterceptor] })
  handle(raw: Buffer, message: ConsumeMessage): Promise<DeliveryOutcome> {
    return this.pipeline.deliver(raw, message, this.whatsapp);
  }
}
