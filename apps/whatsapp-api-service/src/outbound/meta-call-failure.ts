import { DeliveryError } from '@lib/resilience';

/** A classified failed Meta call, with the attempt cap the error deserves (if lower than the default). */
export class MetaCallFailure extends Error {
  override readonly name = 'MetaCallFailure';

  constructor(
    readonly error: DeliveryError,
    readonly attemptLimit?: number,
  ) {
    super(error.message);
  }
}
