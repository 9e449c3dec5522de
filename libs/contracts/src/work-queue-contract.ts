import type { WorkQueueTopology } from '@lib/messaging';

/**
 * The part of a work-queue topology that other services and publishers rely on: exchanges, queue
 * names, bindings and the TTL. The retry delay tiers are the owning service's own configuration;
 * `{ ...contract, retryDelayTiersMs }` is the topology the messaging lib declares.
 */
export type WorkQueueContract = Readonly<Omit<WorkQueueTopology, 'retryDelayTiersMs'>>;
