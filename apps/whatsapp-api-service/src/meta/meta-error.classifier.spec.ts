import { countsAgainstTenantHealth, DeliveryErrorCategory as Category } from '@lib/resilience';
import { META_ERROR_CATALOG, metaErrorBody, MetaErrorKey } from '@lib/testing';
import { VendorTransportError } from '@lib/vendor-http';
import { MetaErrorClassifier } from './meta-error.classifier';
import { MetaCategory } from './meta-error-categories';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** One row per documented code: catalog key → expected class (and Meta's pause / attempt cap / account-hold probe interval). */
const EXPECTED: Array<
  [key: MetaErrorKey, category: Category, extra?: { minRetryDelayMs?: number; attemptLimit?: number; accountHoldProbeMs?: number }]
> = [
  ['0', Category.AUTH],
  ['190', Category.AUTH],
  ['190/460', Category.AUTH],
  ['1', Category.TRANSIENT, { attemptLimit: 3 }],
  ['2', Category.TRANSIENT],
  ['131000', Category.TRANSIENT],
  ['131016', Category.TRANSIENT],
  ['131057', Category.TRANSIENT, { minRetryDelayMs: 60_000 }],
  ['133004', Category.TRANSIENT],
  ['2494100', Category.TRANSIENT, { minRetryDelayMs: 60_000 }],
  ['4', Category.RATE_LIMITED, { minRetryDelayMs: 60_000 }],
  ['80007', Category.RATE_LIMITED, { minRetryDelayMs: 60_000 }],
  ['130429', Category.RATE_LIMITED, { minRetryDelayMs: 1_000 }],
  ['131056', Category.RATE_LIMITED, { minRetryDelayMs: 6_000 }],
  ['131047', MetaCategory.WINDOW_EXPIRED],
  ['131026', MetaCategory.RECIPIENT_UNAVAILABLE],
  ['131030', MetaCategory.RECIPIENT_UNAVAILABLE],
  ['131049', MetaCategory.RECIPIENT_UNAVAILABLE],
  ['131050', MetaCategory.RECIPIENT_UNAVAILABLE],
  ['130403', MetaCategory.RECIPIENT_UNAVAILABLE],
  ['130472', MetaCategory.RECIPIENT_UNAVAILABLE],
  ['132000', MetaCategory.TEMPLATE_ERROR],
  ['132001', MetaCategory.TEMPLATE_ERROR],
  ['132005', MetaCategory.TEMPLATE_ERROR],
  ['132007', MetaCategory.TEMPLATE_ERROR],
  ['132012', MetaCategory.TEMPLATE_ERROR],
  ['132015', MetaCategory.TEMPLATE_ERROR],
  ['132016', MetaCategory.TEMPLATE_ERROR],
  ['132018', MetaCategory.TEMPLATE_ERROR],
  ['100', Category.INVALID_REQUEST],
  ['131008', Category.INVALID_REQUEST],
  ['131009', Category.INVALID_REQUEST],
  ['131021', Category.INVALID_REQUEST],
  ['131051', Category.INVALID_REQUEST],
  ['131053', Category.INVALID_REQUEST],
  ['131055', Category.INVALID_REQUEST],
  ['132068', Category.INVALID_REQUEST],
  ['132069', Category.INVALID_REQUEST],
  ['135000', Category.INVALID_REQUEST],
  ['100/33', Category.ACCOUNT_ERROR],
  ['130497', Category.ACCOUNT_ERROR],
  ['131063', Category.ACCOUNT_ERROR],
  ['134011', Category.ACCOUNT_ERROR],
  ['3', Category.ACCOUNT_ERROR, { accountHoldProbeMs: 30 * MINUTE }],
  ['10', Category.ACCOUNT_ERROR, { accountHoldProbeMs: 30 * MINUTE }],
  ['200', Category.ACCOUNT_ERROR, { accountHoldProbeMs: 30 * MINUTE }],
  ['33', Category.ACCOUNT_ERROR, { accountHoldProbeMs: 30 * MINUTE }],
  ['131005', Category.ACCOUNT_ERROR, { accountHoldProbeMs: 30 * MINUTE }],
  ['131037', Category.ACCOUNT_ERROR, { accountHoldProbeMs: 30 * MINUTE }],
  ['131042', Category.ACCOUNT_ERROR, { accountHoldProbeMs: 30 * MINUTE }],
  ['131045', Category.ACCOUNT_ERROR, { accountHoldProbeMs: 30 * MINUTE }],
  ['133010', Category.ACCOUNT_ERROR, { accountHoldProbeMs: 30 * MINUTE }],
  ['131048', Category.ACCOUNT_ERROR, { accountHoldProbeMs: 2 * HOUR }],
  ['131031', Category.ACCOUNT_ERROR, { accountHoldProbeMs: 6 * HOUR }],
  ['368', Category.ACCOUNT_ERROR, { accountHoldProbeMs: 6 * HOUR }],
  ['131064', Category.ACCOUNT_ERROR, { accountHoldProbeMs: 6 * HOUR }],
];

describe(MetaErrorClassifier.name, () => {
  const classifier = new MetaErrorClassifier();

  it('has a row for every error in the catalog', () => {
    expect(EXPECTED.map(([key]) => key).sort()).toEqual(Object.keys(META_ERROR_CATALOG).sort());
  });

  describe.each(EXPECTED)('code %s', (key, category, extra = {}) => {
    const spec = META_ERROR_CATALOG[key];

    it(`is ${category} at HTTP ${spec.httpStatus}`, () => {
      const { error, attemptLimit } = classifier.classifyResponse(spec.httpStatus, metaErrorBody(spec, 'AbCdEfGh123'));
      expect(error.category).toBe(category);
      expect(error.details).toMatchObject({ code: spec.code, httpStatus: spec.httpStatus, traceId: 'AbCdEfGh123' });
      expect(error.details.minRetryDelayMs).toBe(extra.minRetryDelayMs);
      expect(attemptLimit).toBe(extra.attemptLimit);
      expect(error.details.accountHoldProbeMs).toBe(extra.accountHoldProbeMs);
      expect(error.message).toContain(spec.message.slice(0, 20));
    });
  });

  describe('account-level refusals', () => {
    it('asks to hold the tenant for exactly the codes Meta uses for a locked, restricted, unpaid or misconfigured account', () => {
      const held = (Object.keys(META_ERROR_CATALOG) as MetaErrorKey[]).filter((key) => {
        const spec = META_ERROR_CATALOG[key];
        return classifier.classifyResponse(spec.httpStatus, metaErrorBody(spec)).error.details.accountHoldProbeMs !== undefined;
      });
      expect(held.sort()).toEqual(
        ['10', '131005', '131031', '131037', '131042', '131045', '131048', '131064', '133010', '200', '3', '33', '368'].sort(),
      );
    });

    it('never counts them against the tenant health: the hold, not the breaker, answers them', () => {
      const { error } = classifier.classifyResponse(403, metaErrorBody(META_ERROR_CATALOG['131031']));
      expect(countsAgainstTenantHealth(error)).toBe(false);
    });
  });

  it("dead-letters a media upload error (131053) as the message's own fault, never counted against the tenant", () => {
    const { error, attemptLimit } = classifier.classifyResponse(400, metaErrorBody(META_ERROR_CATALOG['131053']));
    expect(error.category).toBe(Category.INVALID_REQUEST);
    expect(attemptLimit).toBeUndefined();
    expect(countsAgainstTenantHealth(error)).toBe(false);
  });

  describe('classifies by code, not by HTTP status', () => {
    it('treats throttling sent as HTTP 400 as rate limited, caused by our own pace', () => {
      const { error } = classifier.classifyResponse(400, metaErrorBody(META_ERROR_CATALOG['130429']));
      expect(error.category).toBe(Category.RATE_LIMITED);
      expect(error.details.ownPace).toBe(true);
    });

    it('treats 190 as auth even when Graph answers it with 400', () => {
      const { error } = classifier.classifyResponse(400, metaErrorBody(META_ERROR_CATALOG['190']));
      expect(error.category).toBe(Category.AUTH);
    });

    it('keeps the subcode for diagnosis', () => {
      const { error } = classifier.classifyResponse(401, metaErrorBody(META_ERROR_CATALOG['190']));
      expect(error.details.subcode).toBe(463);
    });
  });

  describe('unknown codes and bodies fall back to the HTTP status', () => {
    const unknown = (status: number) => classifier.classifyResponse(status, { error: { code: 999999, message: 'new' } });

    it.each([
      [500, Category.TRANSIENT],
      [502, Category.TRANSIENT],
      [503, Category.TRANSIENT],
      [429, Category.RATE_LIMITED],
      [401, Category.AUTH],
      [400, Category.PERMANENT],
      [404, Category.PERMANENT],
    ])('HTTP %i → %s', (status, category) => {
      expect(unknown(status).error.category).toBe(category);
    });

    it('handles an HTML 502 from a proxy as transient', () => {
      const { error } = classifier.classifyResponse(502, '<html>Bad Gateway</html>');
      expect(error.category).toBe(Category.TRANSIENT);
      expect(error.message).toBe('Meta API answered HTTP 502 without a Graph error body');
    });

    it('handles an error object without a numeric code', () => {
      const { error } = classifier.classifyResponse(400, { error: { code: 'x', message: 'odd' } });
      expect(error.category).toBe(Category.PERMANENT);
      expect(error.details.code).toBeUndefined();
    });
  });

  it('classifies timeouts and network failures as transient', () => {
    expect(classifier.classifyTransportFailure(new VendorTransportError('Meta', 'ECONNRESET', false)).error.category).toBe(
      Category.TRANSIENT,
    );
    expect(classifier.classifyTransportFailure(new VendorTransportError('Meta', 'ECONNABORTED', true)).error.message).toContain(
      'timed out',
    );
  });

  it('bounds the message length so dead-letter headers stay small', () => {
    const long = { error: { code: 100, message: 'x'.repeat(5000) } };
    expect(classifier.classifyResponse(400, long).error.message.length).toBeLessThanOrEqual(300);
  });
});
