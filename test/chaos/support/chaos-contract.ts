import {
  EgressService,
  GENESYS_CORRELATION_EVENTS_QUEUE,
  GENESYS_EGRESS_SERVICE,
  GENESYS_INBOUND_QUEUE,
  WHATSAPP_EGRESS_SERVICE,
  WHATSAPP_OUTBOUND_QUEUE,
  whatsappStatusRoutingKey,
} from '@lib/contracts';

/** Where a service's outcome events go: copied from an exchange binding, or a durable queue it publishes to. */
export type EventSource = { exchange: string; bindingKey: string } | { queue: string };

/**
 * A service under fault, as the fault suite sees it from the broker: its contract (exchange, work routing
 * keys, dead letters and their id header), where its outcome events go, and how to read one.
 */
export interface ChaosContract {
  egress: EgressService;
  /** The work queue; its wait queues are `{workQueue}.retry.{delayMs}ms`. */
  workQueue: string;
  events: EventSource;
  /** The service's id of the message an outcome event is about. */
  eventMessageId(event: any): string | undefined;
  /** Whether an outcome event reports the message delivered to the vendor. */
  isDeliveredEvent(event: any): boolean;
}

/** Status events (`sent` or `failed`) on `outbound.status.{tenantId}`, by `internalId`. */
export const WHATSAPP_CHAOS: ChaosContract = {
  egress: WHATSAPP_EGRESS_SERVICE,
  workQueue: WHATSAPP_OUTBOUND_QUEUE.queue,
  events: { exchange: WHATSAPP_EGRESS_SERVICE.exchange, bindingKey: whatsappStatusRoutingKey('*') },
  eventMessageId: (event) => event?.internalId,
  isDeliveredEvent: (event) => event?.status === 'sent',
};

/** Correlation events (`created`, delivered messages only) on the durable `correlation-events` queue, by `whatsapp_message_id`. */
export const GENESYS_CHAOS: ChaosContract = {
  egress: GENESYS_EGRESS_SERVICE,
  workQueue: GENESYS_INBOUND_QUEUE.queue,
  events: { queue: GENESYS_CORRELATION_EVENTS_QUEUE.name },
  eventMessageId: (event) => event?.whatsapp_message_id,
  isDeliveredEvent: (event) => event?.status === 'created',
};
