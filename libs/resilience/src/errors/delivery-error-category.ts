/**
 * Vendor-neutral reasons a message could not be delivered. Each app's classifier maps its vendor's
 * error codes onto these; `nextStepFor` is the only place that decides what each one means.
 */
export enum DeliveryErrorCategory {
  /** The vendor or the network failed; the same request may succeed later. */
  TRANSIENT = 'TRANSIENT',
  /** The vendor throttled us; retry after a pause. */
  RATE_LIMITED = 'RATE_LIMITED',
  /** The access token was refused; refresh credentials and try once more. */
  AUTH = 'AUTH',
  /** The request itself is wrong (parameters, unsupported content). */
  INVALID_REQUEST = 'INVALID_REQUEST',
  /** The template is missing, paused, disabled or its parameters do not match. */
  TEMPLATE_ERROR = 'TEMPLATE_ERROR',
  /** The recipient cannot receive this message (not on WhatsApp, opted out, blocked). */
  RECIPIENT_UNAVAILABLE = 'RECIPIENT_UNAVAILABLE',
  /** The customer-service window is closed: the agent must send a template instead. */
  WINDOW_EXPIRED = 'WINDOW_EXPIRED',
  /** The business account or phone number is misconfigured, restricted or blocked. */
  ACCOUNT_ERROR = 'ACCOUNT_ERROR',
  /** Any other permanent vendor error. */
  PERMANENT = 'PERMANENT',
  /** The queue message is not a valid envelope (not JSON, missing fields, unknown type, too large). */
  INVALID_ENVELOPE = 'INVALID_ENVELOPE',
  /** The tenant service does not know the tenant. */
  TENANT_NOT_FOUND = 'TENANT_NOT_FOUND',
  /** The tenant exists but is suspended, expired or refused. */
  TENANT_INACTIVE = 'TENANT_INACTIVE',
  /** The message names a sender that does not belong to its tenant. */
  TENANT_MISMATCH = 'TENANT_MISMATCH',
  /** The tenant service could not be reached; no vendor call was made. */
  TENANT_SERVICE_UNAVAILABLE = 'TENANT_SERVICE_UNAVAILABLE',
  /** The tenant's circuit breaker is open: its vendor path failed repeatedly; try again later. */
  TENANT_CIRCUIT_OPEN = 'TENANT_CIRCUIT_OPEN',
  /**
   * The circuit breaker of the key the message needs (a vendor region, named in the message) is open:
   * calls with that key failed repeatedly; try again later.
   */
  CIRCUIT_OPEN = 'CIRCUIT_OPEN',
  /** The tenant already has its maximum of messages in flight (bulkhead). */
  TENANT_BUSY = 'TENANT_BUSY',
  /** The tenant's sending rate is spent for now (our own limiter, before any vendor call). */
  THROTTLED = 'THROTTLED',
  /** Another consumer is handling the same message right now. */
  DUPLICATE_IN_PROGRESS = 'DUPLICATE_IN_PROGRESS',
  /** An earlier message of the same conversation is waiting for a retry; this one waits behind it. */
  CONVERSATION_HELD = 'CONVERSATION_HELD',
  /**
   * The tenant's business account is on hold: the vendor refused it as a whole (locked, restricted,
   * unpaid). The message waits for the hold's next probe without spending an attempt.
   */
  ACCOUNT_ON_HOLD = 'ACCOUNT_ON_HOLD',
  /** Handling took longer than its time limit. */
  HANDLING_TIMEOUT = 'HANDLING_TIMEOUT',
  /** Every allowed vendor call was spent on transient failures. */
  RETRIES_EXHAUSTED = 'RETRIES_EXHAUSTED',
  /** The message waited longer than its maximum age. */
  MESSAGE_EXPIRED = 'MESSAGE_EXPIRED',
  /** A defect in this service; the message is kept for replay. */
  INTERNAL_ERROR = 'INTERNAL_ERROR',
}
