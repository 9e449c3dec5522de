import { VendorResponse } from '@lib/vendor-http';

/** A Genesys answer as the API client returns it (headers in lower case). */
export interface RecordedGenesysAnswer extends Pick<VendorResponse, 'status' | 'body'> {
  headers: Record<string, string>;
}

const CONTEXT_ID = '2155e4c8-fbf9-4aa9-bd71-8bc08e342161';

const errorAnswer = (status: number, code: string, message: string, headers: Record<string, string> = {}): RecordedGenesysAnswer => ({
  status,
  headers: { 'content-type': 'application/json; charset=UTF-8', 'inin-correlation-id': CONTEXT_ID, ...headers },
  body: { status, code, message, contextId: CONTEXT_ID, details: [], errors: [] },
});

/**
 * Error answers of the Open Messaging API, recorded from the Genesys simulator of the testing lib (their
 * spec checks they still are what it answers the service's clients); the 429 is Genesys's documented
 * normalized one.
 */
export const GENESYS_ERROR_ANSWERS = {
  rateLimited: errorAnswer(429, 'too.many.requests.retry.after', 'Rate limit exceeded the maximum. Retry the request in [60] seconds', {
    'retry-after': '60',
  }),
  expiredToken: errorAnswer(401, 'bad.credentials', 'Invalid login credentials.'),
  missingPermission: errorAnswer(
    403,
    'missing.permissions',
    'Unable to perform the requested action. You are missing the following permission(s): [conversation:message:receive]',
  ),
  integrationNotFound: errorAnswer(404, 'not.found', 'The requested open messaging integration was not found.'),
  messageNotFound: errorAnswer(404, 'not.found', 'The requested message was not found.'),
  neitherTextNorContent: errorAnswer(
    400,
    'bad.request',
    "should have required property 'content', should have required property '.text', should match some schema in anyOf",
  ),
  internalServerError: errorAnswer(500, 'internal.server.error', 'The server encountered an unexpected condition.'),
  badGateway: errorAnswer(502, 'bad.gateway', 'The server received an invalid response from an upstream server.'),
  serviceUnavailable: errorAnswer(503, 'service.unavailable', 'The service is currently unavailable.'),
  gatewayTimeout: errorAnswer(504, 'gateway.timeout', 'The server did not receive a timely response from an upstream server.'),
} satisfies Record<string, RecordedGenesysAnswer>;

export type GenesysErrorAnswerKey = keyof typeof GENESYS_ERROR_ANSWERS;

/** The correlation id of every recorded answer. */
export const RECORDED_CONTEXT_ID = CONTEXT_ID;
