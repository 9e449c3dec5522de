import { WorkQueueArguments } from '@lib/messaging';

/** The queue contract shared with the publishers and the platform's other services. */
export const OUTBOUND_QUEUE: WorkQueueArguments & { exchange: string; bindingKey: string; deadLetterQueue: string } = {
  exchange: 'whatsapp-exchange',
  queue: 'outbound-processed',
  bindingKey: 'outbound.processed.*',
  deadLetterExchange: 'whatsapp-dlx',
  deadLetterQueue: 'outbound-failed',
  deadLetterRoutingKey: 'outbound.failed',
  messageTtlMs: 24 * 60 * 60 * 1000,
};

export const statusRoutingKey = (tenantId: string) => `outbound.status.${tenantId}`;
