import { randomUUID } from 'node:crypto';

/**
 * Genesys's normalized error body (fact sheet §4.2; `ErrorBody` in the SDK has more optional fields,
 * which the simulator leaves out). `contextId` is the request's `ININ-Correlation-Id`.
 */
export interface GenesysErrorBody {
  message: string;
  code: string;
  status: number;
  contextId: string;
  details: unknown[];
  errors: unknown[];
}

/** The 5xx answers a fault can give. */
export type GenesysServerError = 500 | 502 | 503 | 504;

export interface GenesysError {
  status: number;
  code: string;
  message: string;
}

/** A fresh correlation id, as Genesys gives every request. */
export const genesysCorrelationId = (): string => randomUUID();

export const genesysErrorBody = (error: GenesysError, contextId: string): GenesysErrorBody => ({
  ...error,
  contextId,
  details: [],
  errors: [],
});

/** §4.2, verified: Retry-After is in seconds and the message repeats it in brackets. */
export const tooManyRequests = (retryAfterS: number): GenesysError => ({
  status: 429,
  code: 'too.many.requests.retry.after',
  message: `Rate limit exceeded the maximum. Retry the request in [${retryAfterS}] seconds`,
});

/**
 * The other codes and messages are not in the fact sheet: assumed from Genesys's dotted-code style
 * (`bad.credentials` / "Invalid login credentials." is corroborated by public client code). Clients should
 * branch on the HTTP status, never on these texts.
 */
export const GENESYS_ERRORS = {
  malformedJson: {
    status: 400,
    code: 'bad.request',
    message: 'The request could not be understood by the server due to malformed syntax.',
  },
  noToken: { status: 401, code: 'authentication.required', message: 'No authentication bearer token specified in authorization header.' },
  badToken: { status: 401, code: 'bad.credentials', message: 'Invalid login credentials.' },
  routeNotFound: { status: 404, code: 'not.found', message: 'HTTP 404 Not Found' },
  integrationNotFound: { status: 404, code: 'not.found', message: 'The requested open messaging integration was not found.' },
  messageNotFound: { status: 404, code: 'not.found', message: 'The requested message was not found.' },
  notJson: { status: 415, code: 'unsupported.media.type', message: 'Content-Type must be application/json.' },
} satisfies Record<string, GenesysError>;

export const invalidRequest = (problem: string): GenesysError => ({ status: 400, code: 'bad.request', message: problem });

export const missingPermission = (permission: string): GenesysError => ({
  status: 403,
  code: 'missing.permissions',
  message: `Unable to perform the requested action. You are missing the following permission(s): [${permission}]`,
});

const SERVER_ERRORS: Record<GenesysServerError, GenesysError> = {
  500: { status: 500, code: 'internal.server.error', message: 'The server encountered an unexpected condition.' },
  502: { status: 502, code: 'bad.gateway', message: 'The server received an invalid response from an upstream server.' },
  503: { status: 503, code: 'service.unavailable', message: 'The service is currently unavailable.' },
  504: { status: 504, code: 'gateway.timeout', message: 'The server did not receive a timely response from an upstream server.' },
};

export const serverError = (status: GenesysServerError): GenesysError => SERVER_ERRORS[status];

/** RFC 6749 §5.2 error body of the login host's `/oauth/token`. */
export interface OAuthErrorBody {
  error: 'invalid_request' | 'invalid_client' | 'unsupported_grant_type';
  error_description: string;
}
