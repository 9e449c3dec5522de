import { WHATSAPP_OUTBOUND_QUEUE } from '@lib/contracts';
import { DeliveryConsumer } from '@lib/delivery';
import { WhatsappDeliveryHooks } from './whatsapp-delivery.hooks';

/** Consumes `outbound-processed`: each message through the delivery pipeline with Meta's hooks. */
export class OutboundConsumer extends DeliveryConsumer(WHATSAPP_OUTBOUND_QUEUE, WhatsappDeliveryHooks) {}
