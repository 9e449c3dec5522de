import { Injectable } from '@nestjs/common';
import { AccessTokenError, ClientCredentialsRefusedError } from '@lib/credentials';
import { DeliveryError, DeliveryErrorCategory as Category, DeliveryErrorDetails } from '@lib/resilience';
import { retryAfterMs, VendorResponse, VendorTransportError } from '@lib/vendor-http';
import { genesysContextIdOf } from './genesys-answer.readers';
import { GenesysCategory } from './genesys-error-categories';
import { GenesysErrorBody } from './types/genesys-error.types';

/** The Open Messaging endpoint that answered: a 404 means something else on each. */
export type GenesysEndpoint = 'message' | 'receipt' | 'details';

/** The pause after a 429 without `Retry-After`, as Genesys's .NET SDK waits (`RetryAfterDefaultMs`). */
export const DEFAULT_RATE_LIMIT_PAUSE_MS = 3_000;

const MAX_MESSAGE_LENGTH = 300;
/** Genesys's dotted codes (`missing.permissions`); anything else in `code` is not echoed into headers. */
const GENESYS_CODE = /^[A-Za-z0-9._-]{1,100}$/;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]+/g;

/**
 * Genesys's answers as delivery outcomes. Genesys documents HTTP statuses, not a catalogue of codes, so
 * the status decides and the code is kept for the operator:
 * - 429: `RATE_LIMITED_PAUSE` for `Retry-After` (3 s when absent): pause the tenant, spend no attempt;
 * - 5xx, 408, no answer, the login unavailable, and a 404 of the details, which lag behind an accepted
 *   message: TRANSIENT (backoff, counted against the attempts);
 * - 401: AUTH (the token expired or was revoked: the pipeline drops it and sends once more);
 * - 403 (the OAuth client lacks `conversation:message:receive`), 404 on the inbound endpoints (no such
 *   integration in the tenant's organization) and the login refusing the client: ACCOUNT_ERROR, the
 *   tenant's configuration, which a retry will not fix;
 * - 400, 413, 415, 422: INVALID_REQUEST (this message's body); anything else (another 4xx, a redirect,
 *   which is never followed): PERMANENT.
 */
@Injectable()
export class GenesysErrorClassifier {
  /** Classifies a non-2xx answer of `endpoint`. */
  classifyResponse(
    response: Pick<VendorResponse, 'status' | 'headers' | 'body'>,
    endpoint: GenesysEndpoint,
    now = Date.now(),
  ): DeliveryError {
    const { status } = response;
    const errorBody = errorBodyOf(response.body);
    const code = typeof errorBody?.code === 'string' && GENESYS_CODE.test(errorBody.code) ? errorBody.code : undefined;
    const details: DeliveryErrorDetails = { code, httpStatus: status, traceId: genesysContextIdOf(response) };
    const message = describe(status, errorBody);

    if (status === 429) {
      const minRetryDelayMs = retryAfterMs(response.headers, now) ?? DEFAULT_RATE_LIMIT_PAUSE_MS;
      return new DeliveryError(GenesysCategory.RATE_LIMITED_PAUSE, message, { ...details, minRetryDelayMs });
    }
    return new DeliveryError(categoryFor(status, endpoint), message, details);
  }

  /** Classifies a call that got no answer: Genesys may or may not have acted on it. */
  classifyTransportFailure(failure: VendorTransportError): DeliveryError {
    return new DeliveryError(Category.TRANSIENT, failure.message);
  }

  /** Classifies a token that could not be had: refused credentials are the tenant's configuration, anything else passes. */
  classifyTokenFailure(failure: AccessTokenError): DeliveryError {
    const { httpStatus, code, minRetryDelayMs } = failure.details;
    if (failure instanceof ClientCredentialsRefusedError)
      return new DeliveryError(Category.ACCOUNT_ERROR, failure.message, { code, httpStatus });
    return new DeliveryError(Category.TRANSIENT, failure.message, { code, httpStatus, minRetryDelayMs });
  }
}

function categoryFor(status: number, endpoint: GenesysEndpoint): Category {
  if (status >= 500 || status === 408) return Category.TRANSIENT;
  if (status === 401) return Category.AUTH;
  if (status === 403) return Category.ACCOUNT_ERROR;
  // On the inbound endpoints the path's only id is the integration's.
  if (status === 404) return endpoint === 'details' ? Category.TRANSIENT : Category.ACCOUNT_ERROR;
  if (status === 400 || status === 413 || status === 415 || status === 422) return Category.INVALID_REQUEST;
  return Category.PERMANENT;
}

function errorBodyOf(body: unknown): GenesysErrorBody | undefined {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? body : undefined;
}

function describe(status: number, errorBody: GenesysErrorBody | undefined): string {
  const text = typeof errorBody?.message === 'string' ? errorBody.message.replace(CONTROL_CHARACTERS, ' ').trim() : '';
  if (text === '') return `Genesys Cloud answered HTTP ${status} without an error message`;
  return text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : text;
}
