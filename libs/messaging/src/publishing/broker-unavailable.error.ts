/**
 * A publish was refused before anything was written (not connected, no channel): the message was
 * certainly not published. The message that caused it must be handed back, not acked.
 */
export class BrokerUnavailableError extends Error {
  override readonly name: string = 'BrokerUnavailableError';
}

/**
 * A publish was written but not confirmed (confirm wait expired, channel closed, or nacked): the broker
 * may or may not have taken it. Handing back is still right for a successor copy (a duplicate copy is
 * better than a lost message), but a consumer must be ready to see it twice.
 */
export class PublishUnconfirmedError extends BrokerUnavailableError {
  override readonly name: string = 'PublishUnconfirmedError';
}
