import { EGRESS_SERVICES, EgressService, EgressServiceName } from '@lib/contracts';

/** The dead-letter queue a command works on, and the exchange its entries are replayed to. */
export interface DlqTarget {
  /** The service that owns the queue: how its dead letters name their message and are routed back. */
  service: EgressService;
  queue: string;
  exchange: string;
}

/** The selected service's dead-letter queue and exchange, unless `--queue` / `--exchange` name others. */
export function dlqTargetOf(flags: { service: EgressServiceName; queue?: string; exchange?: string }): DlqTarget {
  const service = EGRESS_SERVICES[flags.service];
  return { service, queue: flags.queue ?? service.deadLetterQueue, exchange: flags.exchange ?? service.exchange };
}
