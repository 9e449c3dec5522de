import type { QueueDeclaration } from '@lib/messaging';
import type { EgressService } from './egress-service';
import type { WorkQueueContract } from './work-queue-contract';

/** Customers' WhatsApp messages to deliver to Genesys Cloud, published with `inbound.processed.{tenantId}`. */
export const GENESYS_INBOUND_QUEUE: WorkQueueContract = {
  exchange: 'genesys-exchange',
  queue: 'inbound-processed',
  bindingKey: 'inbound.processed.*',
  deadLetterExchange: 'genesys-dlx',
  deadLetterQueue: 'genesys-api-dlq',
  deadLetterRoutingKey: 'inbound.failed',
  messageTtlMs: 24 * 60 * 60 * 1000,
};

const WORK_ROUTING_KEY_PREFIX = 'inbound.processed.';

/** The routing key a tenant's inbound messages are published with. */
export const genesysInboundRoutingKey = (tenantId: string) => `${WORK_ROUTING_KEY_PREFIX}${tenantId}`;

/** Durable queue the service publishes correlation events to, through the default exchange. */
export const GENESYS_CORRELATION_EVENTS_QUEUE: QueueDeclaration = { name: 'correlation-events', arguments: {} };

/** Headers the service writes on a dead letter besides the messaging lib's reason and delivery-state headers. */
export const GenesysDeadLetterHeader = {
  /** The id of the customer's WhatsApp message, the service's key for it. */
  WHATSAPP_MESSAGE_ID: 'x-whatsapp-message-id',
  /** The Genesys conversation context the message was sent for, when it got that far. */
  GENESYS_CONTEXT_ID: 'x-genesys-context-id',
} as const;

/** The genesys-api-service as operations tools see it. */
export const GENESYS_EGRESS_SERVICE: EgressService = {
  service: 'genesys-api-service',
  exchange: GENESYS_INBOUND_QUEUE.exchange,
  deadLetterExchange: GENESYS_INBOUND_QUEUE.deadLetterExchange,
  deadLetterQueue: GENESYS_INBOUND_QUEUE.deadLetterQueue,
  deadLetterRoutingKey: GENESYS_INBOUND_QUEUE.deadLetterRoutingKey,
  redisKeyPrefix: 'genesys-api-service:',
  messageIdHeader: GenesysDeadLetterHeader.WHATSAPP_MESSAGE_ID,
  messageIdField: 'whatsapp_message_id',
  traceIdHeader: GenesysDeadLetterHeader.GENESYS_CONTEXT_ID,
  workRoutingKeyPrefix: WORK_ROUTING_KEY_PREFIX,
};
