import { DeliveryErrorCategory } from './delivery-error-category';
import { defineCategories, nextStepFor } from './next-step';

describe('nextStepFor', () => {
  it.each(Object.values(DeliveryErrorCategory))('decides for %s', (category) => {
    expect(['retry', 'defer', 'refresh-credentials', 'dead-letter']).toContain(nextStepFor(category));
  });

  it('never spends a vendor attempt on waits that made no vendor call', () => {
    for (const category of [
      DeliveryErrorCategory.TENANT_SERVICE_UNAVAILABLE,
      DeliveryErrorCategory.TENANT_CIRCUIT_OPEN,
      DeliveryErrorCategory.CIRCUIT_OPEN,
      DeliveryErrorCategory.TENANT_BUSY,
      DeliveryErrorCategory.THROTTLED,
      DeliveryErrorCategory.CONVERSATION_HELD,
    ]) {
      expect(nextStepFor(category)).toBe('defer');
    }
  });

  it('retries vendor failures and dead-letters permanent ones', () => {
    expect(nextStepFor(DeliveryErrorCategory.TRANSIENT)).toBe('retry');
    expect(nextStepFor(DeliveryErrorCategory.RATE_LIMITED)).toBe('retry');
    expect(nextStepFor(DeliveryErrorCategory.AUTH)).toBe('refresh-credentials');
    expect(nextStepFor(DeliveryErrorCategory.INVALID_REQUEST)).toBe('dead-letter');
  });

  it("takes a vendor's own categories without a change to the lib", () => {
    const Vendor = defineCategories({ SPEC_QUOTA_PAUSE: 'defer', SPEC_WINDOW_CLOSED: 'dead-letter' });
    expect(Vendor.SPEC_QUOTA_PAUSE).toBe('SPEC_QUOTA_PAUSE');
    expect(nextStepFor(Vendor.SPEC_QUOTA_PAUSE)).toBe('defer');
    expect(nextStepFor(Vendor.SPEC_WINDOW_CLOSED)).toBe('dead-letter');
  });

  it('refuses to read one category two ways', () => {
    expect(() => defineCategories({ TRANSIENT: 'dead-letter' })).toThrow("category TRANSIENT is already defined with next step 'retry'");
  });

  it('keeps the message of a category nobody defined (a defect)', () => {
    expect(nextStepFor('NOBODY_DEFINED_THIS')).toBe('dead-letter');
  });
});
