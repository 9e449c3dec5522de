import { assertUnreachable } from './assert-unreachable.util';
import { DeliveryErrorCategory } from './delivery-error-category';

/**
 * - `retry`: try again later; the failed call counts against the attempt budget.
 * - `defer`: try again later without spending an attempt (no vendor call was made).
 * - `refresh-credentials`: drop cached credentials and try once more at once.
 * - `dead-letter`: never retry; keep the message for inspection and replay.
 */
export type NextStep = 'retry' | 'defer' | 'refresh-credentials' | 'dead-letter';

export function nextStepFor(category: DeliveryErrorCategory): NextStep {
  switch (category) {
    case DeliveryErrorCategory.TRANSIENT:
    case DeliveryErrorCategory.RATE_LIMITED:
      return 'retry';
    case DeliveryErrorCategory.TENANT_SERVICE_UNAVAILABLE:
    case DeliveryErrorCategory.TENANT_CIRCUIT_OPEN:
    case DeliveryErrorCategory.CIRCUIT_OPEN:
    case DeliveryErrorCategory.TENANT_BUSY:
    case DeliveryErrorCategory.THROTTLED:
    case DeliveryErrorCategory.DUPLICATE_IN_PROGRESS:
    case DeliveryErrorCategory.CONVERSATION_HELD:
    case DeliveryErrorCategory.ACCOUNT_ON_HOLD:
    case DeliveryErrorCategory.HANDLING_TIMEOUT:
      return 'defer';
    case DeliveryErrorCategory.AUTH:
      return 'refresh-credentials';
    case DeliveryErrorCategory.INVALID_REQUEST:
    case DeliveryErrorCategory.TEMPLATE_ERROR:
    case DeliveryErrorCategory.RECIPIENT_UNAVAILABLE:
    case DeliveryErrorCategory.WINDOW_EXPIRED:
    case DeliveryErrorCategory.ACCOUNT_ERROR:
    case DeliveryErrorCategory.PERMANENT:
    case DeliveryErrorCategory.INVALID_ENVELOPE:
    case DeliveryErrorCategory.TENANT_NOT_FOUND:
    case DeliveryErrorCategory.TENANT_INACTIVE:
    case DeliveryErrorCategory.TENANT_MISMATCH:
    case DeliveryErrorCategory.RETRIES_EXHAUSTED:
    case DeliveryErrorCategory.MESSAGE_EXPIRED:
    case DeliveryErrorCategory.INTERNAL_ERROR:
      return 'dead-letter';
    default:
      return assertUnreachable(category);
  }
}
