import { WorkQueueArguments, WorkQueueTopology } from '@lib/messaging';
import { retryDelayTiers } from '@lib/resilience';
import { WhatsappConfig } from '../config/whatsapp.config';

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

/** The whole topology the service declares: the queue contract and one wait queue per retry delay tier. */
export const outboundTopology = (retry: WhatsappConfig['retry']): WorkQueueTopology => ({
  ...OUTBOUND_QUEUE,
  retryDelayTiersMs: retryDelayTiers(retry),
});
