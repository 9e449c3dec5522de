import { Injectable } from '@nestjs/common';
import { DeliveryOutcome, SubscribeToWorkQueue } from '@lib/messaging';
import { TenantResilienceInterceptor } from '@lib/resilience';
import { ConsumeMessage } from 'amqplib';
import { MessageDeliveryService } from './message-delivery.service';
import { WHATSAPP_OUTBOUND_QUEUE } from '@lib/contracts';

/** Consumes `outbound-processed`; the outcome each message reaches is settled by the interceptors. */
@Injectable()
export class OutboundConsumer {
  constructor(private readonly delivery: MessageDeliveryService) {}

  @SubscribeToWorkQueue(WHATSAPP_OUTBOUND_QUEUE, { interceptors: [TenantResilienceInterceptor] })
  handle(raw: Buffer, message: ConsumeMessage): Promise<DeliveryOutcome> {
    return this.delivery.deliver(raw, message);
  }
}
