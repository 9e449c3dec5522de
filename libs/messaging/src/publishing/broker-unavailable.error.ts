/** A publish could not be confirmed: the message that caused it must be handed back, not acked. */
export class BrokerUnavailableError extends Error {
  override readonly name = 'BrokerUnavailableError';
}
