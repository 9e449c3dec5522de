import { DeliveryError } from '@lib/resilience';

/**
 * A vendor call that was made and refused (or got no answer), classified: a `DeliveryError` that
 * counts against the message's attempt budget, capped at `attemptLimit` when the error deserves fewer
 * calls than the default. A plain `DeliveryError` means no call counted.
 */
export class VendorCallFailure extends DeliveryError {
  override readonly name: string = 'VendorCallFailure';

  constructor(
    classified: DeliveryError,
    readonly attemptLimit?: number,
  ) {
    super(classified.category, classified.message, classified.details);
  }
}
