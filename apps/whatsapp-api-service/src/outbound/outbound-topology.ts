import { WHATSAPP_OUTBOUND_QUEUE } from '@lib/contracts';
import { WorkQueueTopology } from '@lib/messaging';
import { retryDelayTiers } from '@lib/resilience';
import { WhatsappConfig } from '../config/whatsapp.config';

/** The whole topology the service declares: its queue contract and one wait queue per retry delay tier. */
export const outboundTopology = (retry: WhatsappConfig['retry']): WorkQueueTopology => ({
  ...WHATSAPP_OUTBOUND_QUEUE,
  retryDelayTiersMs: retryDelayTiers(retry),
});
