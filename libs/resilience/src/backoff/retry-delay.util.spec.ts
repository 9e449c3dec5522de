import { deferralDelay, retryDelay, retryDelayTiers } from './retry-delay.util';

const options = { baseDelayMs: 1000, maxDelayMs: 60000 };

describe('retryDelayTiers', () => {
  it('doubles from the base and ends at the maximum', () => {
    expect(retryDelayTiers(options)).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000]);
  });

  it('has a single tier when base and maximum are equal', () => {
    expect(retryDelayTiers({ baseDelayMs: 500, maxDelayMs: 500 })).toEqual([500]);
  });
});

describe('retryDelay', () => {
  it('grows exponentially with the step', () => {
    const tiers = [1, 2, 3, 4].map((step) => retryDelay(step, options, 0, () => 0).tierMs);
    expect(tiers).toEqual([1000, 2000, 4000, 8000]);
  });

  it('never exceeds the maximum, however many steps', () => {
    expect(retryDelay(40, options, 0, () => 0)).toEqual({ tierMs: 60000, delayMs: 60000 });
  });

  it('jitters within the top quarter of the tier', () => {
    expect(retryDelay(3, options, 0, () => 0).delayMs).toBe(4000);
    expect(retryDelay(3, options, 0, () => 0.999999).delayMs).toBe(3000);
    const spread = new Set(Array.from({ length: 50 }, () => retryDelay(3, options).delayMs));
    expect(spread.size).toBeGreaterThan(1);
    for (const delay of spread) {
      expect(delay).toBeGreaterThan(2999);
      expect(delay).toBeLessThanOrEqual(4000);
    }
  });

  it('honours a vendor minimum pause by moving to a longer tier', () => {
    expect(retryDelay(1, options, 6000, () => 0.9).tierMs).toBe(8000);
    expect(retryDelay(1, options, 6000, () => 0.9).delayMs).toBeGreaterThanOrEqual(6000);
  });

  it('caps a vendor minimum pause above the maximum at the maximum', () => {
    expect(retryDelay(1, options, 5 * 60_000, () => 0.5)).toEqual({ tierMs: 60000, delayMs: 60000 });
  });
});

describe('deferralDelay', () => {
  it('waits as long as the refusal asks, however often the message was deferred', () => {
    expect(deferralDelay(9, options, { details: { minRetryDelayMs: 1500 } }, () => 0)).toEqual({ tierMs: 2000, delayMs: 2000 });
  });

  it('backs off exponentially when the refusal names no wait', () => {
    expect(deferralDelay(4, options, { details: {} }, () => 0).tierMs).toBe(8000);
  });
});
