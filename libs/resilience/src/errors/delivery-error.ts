import { DeliveryErrorCategory } from './delivery-error-category';

export interface DeliveryErrorDetails {
  /** Vendor error code (e.g. Meta's `error.code`), when there is one. */
  code?: number | string;
  subcode?: number | string;
  /** HTTP status of the vendor's answer, when there was one. */
  httpStatus?: number;
  /** Vendor trace id to quote to their support (Meta's `fbtrace_id`). */
  traceId?: string;
  /** Shortest pause the vendor asks for before the next try. */
  minRetryDelayMs?: number;
  /** A send slot reserved for this message (epoch ms): it waits for exactly that moment. */
  slotAt?: number;
  /**
   * Wait in the tenant's own delay queue, behind the tenant's parked backlog, rather than in a shared
   * tier queue: the message moves once instead of cycling while its tenant is saturated.
   */
  inTenantQueue?: boolean;
  /** The failure concerns one recipient (e.g. a per-user rate limit), not the tenant's whole path. */
  recipientScoped?: boolean;
  /**
   * The vendor refused because of how fast we sent (e.g. a number's throughput limit): the answer to
   * that is to slow down, not to stop the tenant, so it does not count against the tenant's health.
   */
  ownPace?: boolean;
  /**
   * The vendor refused the tenant's whole account (locked, restricted, unpaid, misconfigured), not this
   * message: hold the tenant and let one message probe the account once per this many ms.
   */
  accountHoldProbeMs?: number;
}

/**
 * A classified failure. Its message must be safe to log and to put in dead-letter headers: it never
 * carries tokens, request headers or message text.
 */
export class DeliveryError extends Error {
  override readonly name: string = 'DeliveryError';

  constructor(
    readonly category: DeliveryErrorCategory,
    message: string,
    readonly details: DeliveryErrorDetails = {},
  ) {
    super(message);
  }
}
