import type { EgressService } from './egress-service';
import type { WorkQueueContract } from './work-queue-contract';

/** Agents' replies to send through Meta, published by the platform with `outbound.processed.{tenantId}`. */
export const WHATSAPP_OUTBOUND_QUEUE: WorkQueueContract = {
  exchange: 'whatsapp-exchange',
  queue: 'outbound-processed',
  bindingKey: 'outbound.processed.*',
  deadLetterExchange: 'whatsapp-dlx',
  deadLetterQueue: 'outbound-failed',
  deadLetterRoutingKey: 'outbound.failed',
  messageTtlMs: 24 * 60 * 60 * 1000,
};

const WORK_ROUTING_KEY_PREFIX = 'outbound.processed.';

/** The routing key a tenant's outbound messages are published with. */
export const whatsappOutboundRoutingKey = (tenantId: string) => `${WORK_ROUTING_KEY_PREFIX}${tenantId}`;

/** The routing key of a message's status events, on `WHATSAPP_OUTBOUND_QUEUE.exchange`. */
export const whatsappStatusRoutingKey = (tenantId: string) => `outbound.status.${tenantId}`;

/** The whatsapp-api-service as operations tools see it; its dead letters carry the messaging lib's headers only. */
export const WHATSAPP_EGRESS_SERVICE: EgressService = {
  service: 'whatsapp-api-service',
  exchange: WHATSAPP_OUTBOUND_QUEUE.exchange,
  deadLetterExchange: WHATSAPP_OUTBOUND_QUEUE.deadLetterExchange,
  deadLetterQueue: WHATSAPP_OUTBOUND_QUEUE.deadLetterQueue,
  deadLetterRoutingKey: WHATSAPP_OUTBOUND_QUEUE.deadLetterRoutingKey,
  redisKeyPrefix: 'whatsapp-api-service:',
  messageIdHeader: 'x-internal-id',
  messageIdField: 'internalId',
  traceIdHeader: 'x-error-trace-id',
  workRoutingKeyPrefix: WORK_ROUTING_KEY_PREFIX,
};
