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
  /** The vendor's HTTP status, when it answered. */
  STATUS: 'x-error-status',
  MESSAGE: 'x-error-message',
  TENANT_ID: 'x-tenant-id',
  FAILED_AT: 'x-failed-at',
} as const;

/** Names a service gives the message-id and vendor-trace-id headers of its dead letters (its broker contract). */
export interface DeadLetterIdHeaders {
  /** @default 'x-internal-id' */
  messageId?: string;
  /** @default 'x-error-trace-id' */
  traceId?: string;
}

/**
 * The headers this service writes for itself: its delivery state and a dead letter's reason and ids
 * (every `x-error-*` among them). A publisher's copy of one is never passed on as if the service wrote it.
 */
export class ServiceHeaders {
  readonly messageId: string;
  readonly traceId: string;
  private readonly names: Set<string>;

  constructor(ids: DeadLetterIdHeaders = {}) {
    this.messageId = ids.messageId ?? 'x-internal-id';
    this.traceId = ids.traceId ?? 'x-error-trace-id';
    this.names = new Set([...Object.values(DeliveryHeader), ...Object.values(DeadLetterHeader), this.messageId, this.traceId]);
  }

  has(name: string): boolean {
    return this.names.has(name) || name.startsWith('x-error-');
  }
}

export interface DeliveryState {
  attempts: number;
  deferrals: number;
  firstSeenAt: number;
  originalRoutingKey: string;
  /** The send slot reserved for this message when it was parked by its rate limit. */
  slotAt?: number;
  /** In this handling only, never a header: the latest moment it may start a vendor call (see `assertWithinSendWindow`). */
  sendBy?: number;
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
