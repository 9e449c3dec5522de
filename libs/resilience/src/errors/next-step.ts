import { CoreDeliveryErrorCategory, DeliveryErrorCategory } from './delivery-error-category';

/**
 * - `retry`: try again later; the failed call counts against the attempt budget.
 * - `defer`: try again later without spending an attempt (no vendor call was made).
 * - `refresh-credentials`: drop cached credentials and try once more at once.
 * - `dead-letter`: never retry; keep the message for inspection and replay.
 */
export type NextStep = 'retry' | 'defer' | 'refresh-credentials' | 'dead-letter';

const C = DeliveryErrorCategory;

/** Typed as a record over every core category: a core category without a step does not compile. */
const CORE_STEPS: Record<CoreDeliveryErrorCategory, NextStep> = {
  [C.TRANSIENT]: 'retry',
  [C.RATE_LIMITED]: 'retry',
  [C.TENANT_SERVICE_UNAVAILABLE]: 'defer',
  [C.TENANT_CIRCUIT_OPEN]: 'defer',
  [C.CIRCUIT_OPEN]: 'defer',
  [C.TENANT_BUSY]: 'defer',
  [C.THROTTLED]: 'defer',
  [C.DUPLICATE_IN_PROGRESS]: 'defer',
  [C.LEDGER_UNAVAILABLE]: 'defer',
  [C.CONVERSATION_HELD]: 'defer',
  [C.HANDLING_TIMEOUT]: 'defer',
  [C.AUTH]: 'refresh-credentials',
  [C.INVALID_REQUEST]: 'dead-letter',
  [C.ACCOUNT_ERROR]: 'dead-letter',
  [C.PERMANENT]: 'dead-letter',
  [C.INVALID_ENVELOPE]: 'dead-letter',
  [C.TENANT_NOT_FOUND]: 'dead-letter',
  [C.TENANT_INACTIVE]: 'dead-letter',
  [C.TENANT_MISMATCH]: 'dead-letter',
  [C.RETRIES_EXHAUSTED]: 'dead-letter',
  [C.MESSAGE_EXPIRED]: 'dead-letter',
  [C.INTERNAL_ERROR]: 'dead-letter',
};

const steps = new Map<string, NextStep>(Object.entries(CORE_STEPS));

/**
 * Adds a vendor's own categories, each with its step, and returns their names as constants
 * (`VendorCategory.WINDOW_CLOSED`). A name the lib or another definition already uses with another
 * step is refused: two services must not read one category two ways.
 */
export function defineCategories<T extends Record<string, NextStep>>(categories: T): { readonly [K in keyof T]: K } {
  for (const [category, step] of Object.entries(categories)) {
    const known = steps.get(category);
    if (known !== undefined && known !== step) throw new Error(`category ${category} is already defined with next step '${known}'`);
    steps.set(category, step);
  }
  return Object.fromEntries(Object.keys(categories).map((category) => [category, category])) as { readonly [K in keyof T]: K };
}

/** What to do after a failure of `category`. A category nobody defined is a defect: its message is kept (dead-letter). */
export function nextStepFor(category: DeliveryErrorCategory): NextStep {
  return steps.get(category) ?? 'dead-letter';
}
