/**
 * A call that got no HTTP answer: a timeout, a refused or reset connection, a call stopped by its
 * signal. Whether the vendor acted on the request is unknown. The message names the vendor and the
 * reason code only, never a header, URL or body.
 */
export class VendorTransportError extends Error {
  override readonly name = 'VendorTransportError';

  constructor(
    readonly vendor: string,
    /** A code such as `ETIMEDOUT`, `ECONNREFUSED`, `UND_ERR_SOCKET`. */
    readonly reason: string,
    readonly timedOut: boolean,
  ) {
    super(timedOut ? `${vendor} API request timed out (${reason})` : `${vendor} API request failed (${reason})`);
  }
}
