import { DeliveryError } from '@lib/resilience';

/**
 * A vendor call that was made and refused (or got no answer), classified: it counts against the
 * message's attempt budget, capped at `attemptLimit` when the error deserves fewer calls than the default.
 */
export class VendorCallFailure extends Error {
  override readonly name = 'VendorCallFailure';

  constructor(
    readonly error: DeliveryError,
    readonly attemptLimit?: number,
  ) {
    super(error.message);
  }
}
