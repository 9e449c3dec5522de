/** The request did not produce an HTTP answer: a timeout, a refused or reset connection. */
export class MetaTransportError extends Error {
  override readonly name = 'MetaTransportError';

  constructor(
    readonly reason: string,
    readonly timedOut: boolean,
  ) {
    super(timedOut ? `Meta API request timed out (${reason})` : `Meta API request failed (${reason})`);
  }
}
