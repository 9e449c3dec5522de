import { defineCategories, DeliveryErrorCategory } from '@lib/resilience';

/** Categories of Genesys's own, beside the lib's core ones (`DeliveryErrorCategory`). */
export const GenesysCategory = defineCategories({
  /**
   * Genesys answered 429: the tenant's token spent its requests for now (300 a minute per token). The
   * tenant's sends pause until `Retry-After` (`minRetryDelayMs`), on every replica; the message waits
   * without spending an attempt, so it is reported as a `DeliveryError`, not a `VendorCallFailure`. Not
   * an outage: it does not count against the region's circuit breaker.
   */
  RATE_LIMITED_PAUSE: 'defer',
});

/** Every category the genesys service can report: the core ones and Genesys's. */
export const GENESYS_CATEGORIES: readonly string[] = [...Object.values(DeliveryErrorCategory), ...Object.values(GenesysCategory)];
