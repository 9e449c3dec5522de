export interface AccessTokenErrorDetails {
  /** HTTP status of the token endpoint's answer, when there was one. */
  httpStatus?: number;
  /** The endpoint's own error code (OAuth `error`, e.g. `invalid_client`), when it gave one. */
  code?: string;
  /** Shortest pause the endpoint asked for (`Retry-After`). */
  minRetryDelayMs?: number;
}

/**
 * A token fetch failed. Thrown by the fetch a service gives `AccessTokenCache`; the cache passes it
 * through unchanged and never remembers it. Its message must be safe to log and to put in dead-letter
 * headers: it names the key, never a token, a client secret or a request header.
 */
export abstract class AccessTokenError extends Error {
  constructor(
    message: string,
    readonly details: AccessTokenErrorDetails = {},
  ) {
    super(message);
  }
}

/**
 * The vendor refused our client credentials (an OAuth `invalid_client`, an unknown or disabled
 * client): a configuration error of that tenant, which asking again will not fix.
 */
export class ClientCredentialsRefusedError extends AccessTokenError {
  override readonly name = 'ClientCredentialsRefusedError';
}

/**
 * The token endpoint did not give a token (network error, timeout, 5xx, 429, an answer without a
 * usable token): transient, the same request may succeed later.
 */
export class TokenEndpointUnavailableError extends AccessTokenError {
  override readonly name = 'TokenEndpointUnavailableError';
}
