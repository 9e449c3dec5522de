/** Headers this service keeps on a message across retries and dead-lettering. */
export const DeliveryHeader = {
  /** Vendor calls made for this message so far. */
  ATTEMPTS: 'x-attempts',
  /** Retries that made no vendor call (e.g. the tenant service was down). */
  DEFERRALS: 'x-deferrals',
  /** When this service first consumed the message (epoch ms); queue TTLs restart on every republish. */
  FIRST_SEEN_AT: 'x-first-seen-at',
  /** The routing key the message was first published with, for replay. */
  ORIGINAL_ROUTING_KEY: 'x-original-routing-key',
  /** Why the message was last parked for a retry. */
  LAST_ERROR_CATEGORY: 'x-last-error-category',
  /** The vendor's error code behind that category, when there was one. */
  LAST_ERROR_CODE: 'x-last-error-code',
  /** The send slot (epoch ms) reserved for a message parked by its rate limit. */
  SLOT_AT: 'x-slot-at',
} as const;

/** Reason headers of a dead-lettered message; README "Dead-letter queue" documents them. */
export const DeadLetterHeader = {
  CATEGORY: 'x-error-category',
  CODE: 'x-error-code',
  SUBCODE: 'x-error-subcode',
  MESSAGE: 'x-error-message',
  TRACE_ID: 'x-error-trace-id',
  TENANT_ID: 'x-tenant-id',
  INTERNAL_ID: 'x-internal-id',
  FAILED_AT: 'x-failed-at',
} as const;

const SERVICE_HEADERS = new Set<string>([...Object.values(DeliveryHeader), ...Object.values(DeadLetterHeader)]);

/**
 * Whether a header is one this service writes for itself: its delivery state or a dead letter's
 * reason (every `x-error-*`). A publisher's copy of one is never passed on as if the service wrote it.
 */
export function isServiceHeader(name: string): boolean {
  return SERVICE_HEADERS.has(name) || name.startsWith('x-error-');
}

export interface DeliveryState {
  attempts: number;
  deferrals: number;
  firstSeenAt: number;
  originalRoutingKey: string;
  /** The send slot reserved for this message when it was parked by its rate limit. */
  slotAt?: number;
}

export function deliveryStateHeaders(state: DeliveryState): Record<string, string | number> {
  return {
    [DeliveryHeader.ATTEMPTS]: state.attempts,
    [DeliveryHeader.DEFERRALS]: state.deferrals,
    [DeliveryHeader.FIRST_SEEN_AT]: state.firstSeenAt,
    [DeliveryHeader.ORIGINAL_ROUTING_KEY]: state.originalRoutingKey,
    ...(state.slotAt !== undefined ? { [DeliveryHeader.SLOT_AT]: state.slotAt } : {}),
  };
}
