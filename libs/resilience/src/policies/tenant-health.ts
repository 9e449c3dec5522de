import { DeliveryError } from '../errors/delivery-error';
import { DeliveryErrorCategory } from '../errors/delivery-error-category';

/** Failures that say a tenant's vendor path is unhealthy: 5xx, timeouts, network errors, throttling. */
const UNHEALTHY = new Set<string>([
  DeliveryErrorCategory.TRANSIENT,
  DeliveryErrorCategory.RATE_LIMITED,
  DeliveryErrorCategory.RETRIES_EXHAUSTED,
]);

export function countsAgainstTenantHealth(error: DeliveryError): boolean {
  return UNHEALTHY.has(error.category) && !error.details.recipientScoped && !error.details.ownPace;
}

/** The error (if any) a handler's outcome carries; outcomes are plain objects with an optional `error`. */
export function outcomeError(outcome: unknown): DeliveryError | undefined {
  const error = (outcome as { error?: unknown } | null)?.error;
  return error instanceof DeliveryError ? error : undefined;
}

/** Thrown inside the breaker so that it counts an unhealthy outcome; unwrapped outside. */
export class UnhealthyOutcome<T> extends Error {
  override readonly name = 'UnhealthyOutcome';

  constructor(readonly outcome: T) {
    super('unhealthy tenant outcome');
  }
}
