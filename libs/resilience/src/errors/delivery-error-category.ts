/**
 * Vendor-neutral reasons a message could not be delivered, the ones every egress service shares. Each
 * app's classifier maps its vendor's error codes onto these, and adds categories of its own vendor with
 * `defineCategories` (e.g. a closed customer-service window), without editing this lib. `nextStepFor`
 * is the only place that decides what each one means.
 */
export const DeliveryErrorCategory = {
  /** The vendor or the network failed; the same request may succeed later. */
  TRANSIENT: 'TRANSIENT',
  /** The vendor throttled us; retry after a pause. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** The vendor refused our credentials; refresh them and try once more. */
  AUTH: 'AUTH',
  /** The request itself is wrong (parameters, unsupported content). */
  INVALID_REQUEST: 'INVALID_REQUEST',
  /** The tenant's vendor account or configuration is unusable (misconfigured, restricted, refused credentials). */
  ACCOUNT_ERROR: 'ACCOUNT_ERROR',
  /** Any other permanent vendor error. */
  PERMANENT: 'PERMANENT',
  /** The queue message is not a valid envelope (not JSON, missing fields, unknown type, too large). */
  INVALID_ENVELOPE: 'INVALID_ENVELOPE',
  /** The tenant service does not know the tenant. */
  TENANT_NOT_FOUND: 'TENANT_NOT_FOUND',
  /** The tenant exists but is suspended, expired or refused. */
  TENANT_INACTIVE: 'TENANT_INACTIVE',
  /** The message names a sender or destination that does not belong to its tenant. */
  TENANT_MISMATCH: 'TENANT_MISMATCH',
  /** The tenant service could not be reached; no vendor call was made. */
  TENANT_SERVICE_UNAVAILABLE: 'TENANT_SERVICE_UNAVAILABLE',
  /** The tenant's circuit breaker is open: its vendor path failed repeatedly; try again later. */
  TENANT_CIRCUIT_OPEN: 'TENANT_CIRCUIT_OPEN',
  /** The circuit breaker of the message's key (e.g. its vendor region) is open; try again later. */
  CIRCUIT_OPEN: 'CIRCUIT_OPEN',
  /** The tenant already has its maximum of messages in flight (bulkhead). */
  TENANT_BUSY: 'TENANT_BUSY',
  /** The tenant's sending rate is spent for now (our own limiter, before any vendor call). */
  THROTTLED: 'THROTTLED',
  /** Another consumer is handling the same message right now. */
  DUPLICATE_IN_PROGRESS: 'DUPLICATE_IN_PROGRESS',
  /** The shared delivery ledger (Redis) is unreachable while other replicas share the queue; no vendor call was made. */
  LEDGER_UNAVAILABLE: 'LEDGER_UNAVAILABLE',
  /** An earlier message of the same conversation is waiting for a retry; this one waits behind it. */
  CONVERSATION_HELD: 'CONVERSATION_HELD',
  /** Handling took longer than its time limit. */
  HANDLING_TIMEOUT: 'HANDLING_TIMEOUT',
  /** Every allowed vendor call was spent on transient failures. */
  RETRIES_EXHAUSTED: 'RETRIES_EXHAUSTED',
  /** The message waited longer than its maximum age. */
  MESSAGE_EXPIRED: 'MESSAGE_EXPIRED',
  /** A defect in this service; the message is kept for replay. */
  INTERNAL_ERROR: 'INTERNAL_ERROR',
} as const;

/** A category's name: one of the core ones above, or one an app defined for its vendor. */
export type DeliveryErrorCategory = string;

export type CoreDeliveryErrorCategory = (typeof DeliveryErrorCategory)[keyof typeof DeliveryErrorCategory];
