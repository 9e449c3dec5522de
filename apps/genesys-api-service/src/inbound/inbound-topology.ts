import { GENESYS_CORRELATION_EVENTS_QUEUE, GENESYS_INBOUND_QUEUE } from '@lib/contracts';
import { WorkQueueTopology } from '@lib/messaging';
import { retryDelayTiers } from '@lib/resilience';
import { GenesysConfig } from '../config/genesys.config';

/** The whole topology the service declares: its queue contract, one wait queue per retry delay tier, and the correlation-events queue it publishes to. */
export const inboundTopology = (retry: GenesysConfig['retry']): WorkQueueTopology => ({
  ...GENESYS_INBOUND_QUEUE,
  retryDelayTiersMs: retryDelayTiers(retry),
  durableQueues: [GENESYS_CORRELATION_EVENTS_QUEUE],
});
