import { GENESYS_INBOUND_QUEUE } from '@lib/contracts';
import { DeliveryConsumer } from '@lib/delivery';
import { GenesysDeliveryHooks } from './genesys-delivery.hooks';

/** Consumes `inbound-processed`: each message through the delivery pipeline with Genesys's hooks. */
export class InboundConsumer extends DeliveryConsumer(GENESYS_INBOUND_QUEUE, GenesysDeliveryHooks) {}
