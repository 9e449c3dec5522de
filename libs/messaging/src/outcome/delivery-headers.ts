import { ConsumeMessage } from 'amqplib';

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

export interface DeliveryState {
  attempts: number;
  deferrals: number;
  firstSeenAt: number;
  originalRoutingKey: string;
  /** The send slot reserved for this message when it was parked by its rate limit. */
  slotAt?: number;
}

export function readDeliveryState(message: ConsumeMessage, now = Date.now()): DeliveryState {
  const headers = message.properties.headers ?? {};
  return {
    attempts: nonNegativeInteger(headers[DeliveryHeader.ATTEMPTS]),
    deferrals: nonNegativeInteger(headers[DeliveryHeader.DEFERRALS]),
    firstSeenAt: positiveOr(headers[DeliveryHeader.FIRST_SEEN_AT], now),
    originalRoutingKey: stringOr(headers[DeliveryHeader.ORIGINAL_ROUTING_KEY], message.fields.routingKey),
    slotAt:
      Number.isFinite(Number(headers[DeliveryHeader.SLOT_AT])) && headers[DeliveryHeader.SLOT_AT] !== undefined
        ? Number(headers[DeliveryHeader.SLOT_AT])
        : undefined,
  };
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

function nonNegativeInteger(value: unknown): number {
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed >= 0 ? parsed : 0;
}

function positiveOr(value: unknown, fallback: number): number {
  const parsed = Number(value);
  return Number.isFinite(parsed) && parsed > 0 ? parsed : fallback;
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' && value.length > 0 ? value : fallback;
}
