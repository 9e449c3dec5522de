import { DeliveryErrorCategory } from './delivery-error-category';
import { nextStepFor } from './next-step';

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
      DeliveryErrorCategory.ACCOUNT_ON_HOLD,
    ]) {
      expect(nextStepFor(category)).toBe('defer');
    }
  });

  it('retries vendor failures and dead-letters permanent ones', () => {
    expect(nextStepFor(DeliveryErrorCategory.TRANSIENT)).toBe('retry');
    expect(nextStepFor(DeliveryErrorCategory.RATE_LIMITED)).toBe('retry');
    expect(nextStepFor(DeliveryErrorCategory.AUTH)).toBe('refresh-credentials');
    expect(nextStepFor(DeliveryErrorCategory.WINDOW_EXPIRED)).toBe('dead-letter');
  });
});
