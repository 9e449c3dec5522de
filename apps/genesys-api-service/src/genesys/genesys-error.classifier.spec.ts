import { ClientCredentialsRefusedError, TokenEndpointUnavailableError } from '@lib/credentials';
import { countsAgainstTenantHealth, DeliveryErrorCategory as Category, nextStepFor } from '@lib/resilience';
import { VendorTransportError } from '@lib/vendor-http';
import { DEFAULT_RATE_LIMIT_PAUSE_MS, GenesysEndpoint, GenesysErrorClassifier } from './genesys-error.classifier';
import { GenesysCategory } from './genesys-error-categories';
import { GENESYS_ERROR_ANSWERS, GenesysErrorAnswerKey, RECORDED_CONTEXT_ID, RecordedGenesysAnswer } from './mocks/genesys-error-answers';

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);

/** One row per recorded answer of the simulator: the endpoint that gave it, the category and Genesys's code. */
const RECORDED: Array<[key: GenesysErrorAnswerKey, endpoint: GenesysEndpoint, category: string, code: string]> = [
  ['rateLimited', 'message', GenesysCategory.RATE_LIMITED_PAUSE, 'too.many.requests.retry.after'],
  ['expiredToken', 'message', Category.AUTH, 'bad.credentials'],
  ['missingPermission', 'message', Category.ACCOUNT_ERROR, 'missing.permissions'],
  ['integrationNotFound', 'message', Category.ACCOUNT_ERROR, 'not.found'],
  ['messageNotFound', 'details', Category.TRANSIENT, 'not.found'],
  ['neitherTextNorContent', 'message', Category.INVALID_REQUEST, 'bad.request'],
  ['internalServerError', 'message', Category.TRANSIENT, 'internal.server.error'],
  ['badGateway', 'message', Category.TRANSIENT, 'bad.gateway'],
  ['serviceUnavailable', 'message', Category.TRANSIENT, 'service.unavailable'],
  ['gatewayTimeout', 'message', Category.TRANSIENT, 'gateway.timeout'],
];

const genesysAnswer = (status: number, code: string, headers: Record<string, string> = {}): RecordedGenesysAnswer => ({
  status,
  headers: { 'inin-correlation-id': RECORDED_CONTEXT_ID, ...headers },
  body: { status, code, message: `HTTP ${status} from Genesys`, contextId: RECORDED_CONTEXT_ID, details: [], errors: [] },
});

/** Statuses the simulator does not give, in Genesys's error body shape: endpoint, category. */
const OTHER_STATUSES: Array<[status: number, code: string, endpoint: GenesysEndpoint, category: string]> = [
  [408, 'request.timeout', 'message', Category.TRANSIENT],
  [501, 'not.implemented', 'message', Category.TRANSIENT],
  [404, 'not.found', 'receipt', Category.ACCOUNT_ERROR],
  [403, 'missing.permissions', 'receipt', Category.ACCOUNT_ERROR],
  [403, 'missing.permissions', 'details', Category.ACCOUNT_ERROR],
  [401, 'authentication.required', 'receipt', Category.AUTH],
  [400, 'bad.request', 'receipt', Category.INVALID_REQUEST],
  [413, 'request.entity.too.large', 'message', Category.INVALID_REQUEST],
  [415, 'unsupported.media.type', 'message', Category.INVALID_REQUEST],
  [422, 'unprocessable.entity', 'message', Category.INVALID_REQUEST],
  [405, 'method.not.allowed', 'message', Category.PERMANENT],
  [409, 'conflict', 'message', Category.PERMANENT],
  [410, 'gone', 'message', Category.PERMANENT],
];

describe(GenesysErrorClassifier.name, () => {
  const classifier = new GenesysErrorClassifier();

  it('has a row for every recorded answer', () => {
    expect(RECORDED.map(([key]) => key).sort()).toEqual(Object.keys(GENESYS_ERROR_ANSWERS).sort());
  });

  describe.each(RECORDED)('recorded answer %s (%s)', (key, endpoint, category, code) => {
    const answer = GENESYS_ERROR_ANSWERS[key];

    it(`is ${category}, with Genesys's code, status and context id`, () => {
      const error = classifier.classifyResponse(answer, endpoint, NOW);

      expect(error.category).toBe(category);
      expect(error.details).toMatchObject({ code, httpStatus: answer.status, traceId: RECORDED_CONTEXT_ID });
      expect(error.message).toBe((answer.body as { message: string }).message);
    });
  });

  it.each(OTHER_STATUSES)('HTTP %i %s on %s is %s', (status, code, endpoint, category) => {
    const error = classifier.classifyResponse(genesysAnswer(status, code), endpoint, NOW);

    expect(error.category).toBe(category);
    expect(error.details).toEqual({ code, httpStatus: status, traceId: RECORDED_CONTEXT_ID });
  });

  describe('429', () => {
    it('pauses the tenant for Retry-After without spending an attempt, and is no outage of the region', () => {
      const error = classifier.classifyResponse(GENESYS_ERROR_ANSWERS.rateLimited, 'message', NOW);

      expect(error.details).toEqual({
        code: 'too.many.requests.retry.after',
        httpStatus: 429,
        traceId: RECORDED_CONTEXT_ID,
        minRetryDelayMs: 60_000,
      });
      expect(nextStepFor(error.category)).toBe('defer');
      expect(countsAgainstTenantHealth(error)).toBe(false);
    });

    it("waits 3 s without Retry-After, as Genesys's .NET SDK does", () => {
      const error = classifier.classifyResponse(genesysAnswer(429, 'too.many.requests'), 'receipt', NOW);

      expect(error.category).toBe(GenesysCategory.RATE_LIMITED_PAUSE);
      expect(error.details.minRetryDelayMs).toBe(DEFAULT_RATE_LIMIT_PAUSE_MS);
      expect(DEFAULT_RATE_LIMIT_PAUSE_MS).toBe(3_000);
    });

    it('reads a Retry-After given as an HTTP date', () => {
      const answer = genesysAnswer(429, 'too.many.requests.retry.after', { 'retry-after': 'Thu, 15 Jan 2026 12:00:45 GMT' });

      expect(classifier.classifyResponse(answer, 'message', NOW).details.minRetryDelayMs).toBe(45_000);
    });
  });

  it('counts 5xx against the region, and not configuration or request errors', () => {
    const health = (key: GenesysErrorAnswerKey, endpoint: GenesysEndpoint = 'message') =>
      countsAgainstTenantHealth(classifier.classifyResponse(GENESYS_ERROR_ANSWERS[key], endpoint, NOW));

    expect(health('serviceUnavailable')).toBe(true);
    expect(health('missingPermission')).toBe(false);
    expect(health('integrationNotFound')).toBe(false);
    expect(health('neitherTextNorContent')).toBe(false);
  });

  describe('answers that are not Genesys error bodies', () => {
    it.each([
      ["a proxy's HTML page", 502, { 'content-type': 'text/html' }, '<html><body>Bad Gateway</body></html>', Category.TRANSIENT],
      ['an empty body', 500, {}, '', Category.TRANSIENT],
      ['a JSON array', 400, {}, ['x'], Category.INVALID_REQUEST],
    ])('%s (HTTP %i) is classified by its status alone', (_case, status, headers, body, category) => {
      const error = classifier.classifyResponse({ status, headers, body }, 'message', NOW);

      expect(error.category).toBe(category);
      expect(error.details).toEqual({ code: undefined, httpStatus: status, traceId: undefined });
      expect(error.message).toBe(`Genesys Cloud answered HTTP ${status} without an error message`);
    });

    it('takes the context id from the body when the header is missing', () => {
      const { body } = GENESYS_ERROR_ANSWERS.badGateway;

      expect(classifier.classifyResponse({ status: 502, headers: {}, body }, 'message', NOW).details.traceId).toBe(RECORDED_CONTEXT_ID);
    });

    it('echoes no code or context id that is not shaped like one, and no line breaks or endless text', () => {
      const body = {
        status: 400,
        code: 'bad request\r\nx-injected: 1',
        contextId: 'not a context id',
        message: `line one\r\nline two ${'x'.repeat(400)}`,
      };

      const error = classifier.classifyResponse({ status: 400, headers: { 'inin-correlation-id': ['a', 'b'] }, body }, 'message', NOW);

      expect(error.details).toEqual({ code: undefined, httpStatus: 400, traceId: undefined });
      expect(error.message).not.toMatch(/[\r\n]/);
      expect(error.message.startsWith('line one line two x')).toBe(true);
      expect(error.message).toHaveLength(300);
    });
  });

  describe('failures without an answer', () => {
    it('a timeout or a dropped connection is TRANSIENT', () => {
      const timedOut = classifier.classifyTransportFailure(new VendorTransportError('Genesys Cloud', 'ETIMEDOUT', true));
      const reset = classifier.classifyTransportFailure(new VendorTransportError('Genesys Cloud', 'ECONNRESET', false));

      expect(timedOut).toMatchObject({ category: Category.TRANSIENT, message: 'Genesys Cloud API request timed out (ETIMEDOUT)' });
      expect(reset).toMatchObject({ category: Category.TRANSIENT, message: 'Genesys Cloud API request failed (ECONNRESET)' });
    });

    it("refused client credentials are the tenant's configuration: ACCOUNT_ERROR, dead-lettered at once", () => {
      const refused = new ClientCredentialsRefusedError(
        'Genesys login refused the client credentials of acme@mypurecloud.ie (HTTP 401 invalid_client)',
        {
          httpStatus: 401,
          code: 'invalid_client',
        },
      );

      const error = classifier.classifyTokenFailure(refused);

      expect(error).toMatchObject({
        category: Category.ACCOUNT_ERROR,
        message: refused.message,
        details: { code: 'invalid_client', httpStatus: 401 },
      });
      expect(nextStepFor(error.category)).toBe('dead-letter');
    });

    it('an unavailable login is TRANSIENT, keeping the pause it asked for', () => {
      const unavailable = new TokenEndpointUnavailableError('Genesys login for acme@mypurecloud.ie is unavailable (HTTP 503)', {
        httpStatus: 503,
        minRetryDelayMs: 30_000,
      });

      const error = classifier.classifyTokenFailure(unavailable);

      expect(error).toMatchObject({
        category: Category.TRANSIENT,
        message: unavailable.message,
        details: { httpStatus: 503, minRetryDelayMs: 30_000 },
      });
      expect(nextStepFor(error.category)).toBe('retry');
    });
  });
});
