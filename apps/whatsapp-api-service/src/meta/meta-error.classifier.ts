import { Injectable } from '@nestjs/common';
import { DeliveryError, DeliveryErrorCategory as Category } from '@lib/resilience';
import { VendorTransportError } from '@lib/vendor-http';
import { MetaGraphError } from './types/meta-graph.types';
import { MetaCategory } from './meta-error-categories';

interface CodeRule {
  category: Category;
  /** Meta's shortest advised pause before the next try. */
  minRetryDelayMs?: number;
  /** A lower cap than RETRY_MAX_ATTEMPTS on the calls this error deserves. */
  attemptLimit?: number;
  recipientScoped?: boolean;
  ownPace?: boolean;
  /** The whole account is refused: hold the tenant and probe it once per this many ms. */
  accountHoldProbeMs?: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** A setting someone fixes (permissions, billing, registration): probe often so the backlog follows the fix soon. */
const AFTER_A_FIX = 30 * MINUTE;

const rule = (category: Category, extra: Omit<CodeRule, 'category'> = {}): CodeRule => ({ category, ...extra });

/**
 * Meta's documented `error.code` values for sends, each with its class. Meta asks clients to decide on
 * the code, never on the HTTP status (throttling arrives as 400) nor the deprecated subcode, which is
 * used only for 100/33 (unknown or inaccessible phone-number-id, a configuration error).
 */
const CODE_RULES = new Map<number, CodeRule>([
  [0, rule(Category.AUTH)],
  [190, rule(Category.AUTH)],

  [1, rule(Category.TRANSIENT, { attemptLimit: 3 })],
  [2, rule(Category.TRANSIENT)],
  [131000, rule(Category.TRANSIENT)],
  [131016, rule(Category.TRANSIENT)],
  [131057, rule(Category.TRANSIENT, { minRetryDelayMs: 60_000 })],
  [133004, rule(Category.TRANSIENT)],
  [2494100, rule(Category.TRANSIENT, { minRetryDelayMs: 60_000 })],

  // The number's throughput: our pace overshot it (sliding-second jitter), a reason to slow down, not to open the breaker.
  [130429, rule(Category.RATE_LIMITED, { minRetryDelayMs: 1_000, ownPace: true })],
  // Per recipient (pair rate): it must not count against the tenant's circuit breaker.
  [131056, rule(Category.RATE_LIMITED, { minRetryDelayMs: 6_000, recipientScoped: true })],
  [4, rule(Category.RATE_LIMITED, { minRetryDelayMs: 60_000 })],
  [80007, rule(Category.RATE_LIMITED, { minRetryDelayMs: 60_000 })],

  [131047, rule(MetaCategory.WINDOW_EXPIRED)],

  [131026, rule(MetaCategory.RECIPIENT_UNAVAILABLE)],
  [131030, rule(MetaCategory.RECIPIENT_UNAVAILABLE)],
  [131036, rule(MetaCategory.RECIPIENT_UNAVAILABLE)],
  [131049, rule(MetaCategory.RECIPIENT_UNAVAILABLE)],
  [131050, rule(MetaCategory.RECIPIENT_UNAVAILABLE)],
  [130403, rule(MetaCategory.RECIPIENT_UNAVAILABLE)],
  [130472, rule(MetaCategory.RECIPIENT_UNAVAILABLE)],

  [132000, rule(MetaCategory.TEMPLATE_ERROR)],
  [132001, rule(MetaCategory.TEMPLATE_ERROR)],
  [132005, rule(MetaCategory.TEMPLATE_ERROR)],
  [132007, rule(MetaCategory.TEMPLATE_ERROR)],
  [132012, rule(MetaCategory.TEMPLATE_ERROR)],
  [132015, rule(MetaCategory.TEMPLATE_ERROR)],
  [132016, rule(MetaCategory.TEMPLATE_ERROR)],
  [132018, rule(MetaCategory.TEMPLATE_ERROR)],

  [100, rule(Category.INVALID_REQUEST)],
  [131008, rule(Category.INVALID_REQUEST)],
  [131009, rule(Category.INVALID_REQUEST)],
  [131021, rule(Category.INVALID_REQUEST)],
  [131051, rule(Category.INVALID_REQUEST)],
  // Meta could not use the media of this message (link, size, MIME type): its own fault, not the tenant's.
  [131053, rule(Category.INVALID_REQUEST)],
  [131055, rule(Category.INVALID_REQUEST)],
  [132068, rule(Category.INVALID_REQUEST)],
  // The flow's hourly quota is spent: a retry within our backoff window would fail again.
  [132069, rule(Category.INVALID_REQUEST)],
  [135000, rule(Category.INVALID_REQUEST)],

  // Account-level refusals: every message of the tenant would fail alike, so the tenant is held and probed.
  [3, rule(Category.ACCOUNT_ERROR, { accountHoldProbeMs: AFTER_A_FIX })],
  [10, rule(Category.ACCOUNT_ERROR, { accountHoldProbeMs: AFTER_A_FIX })],
  // The business phone number was deleted.
  [33, rule(Category.ACCOUNT_ERROR, { accountHoldProbeMs: AFTER_A_FIX })],
  [131005, rule(Category.ACCOUNT_ERROR, { accountHoldProbeMs: AFTER_A_FIX })],
  // The display name of the number is not approved yet.
  [131037, rule(Category.ACCOUNT_ERROR, { accountHoldProbeMs: AFTER_A_FIX })],
  // Billing: payment method, credit line, or the WABA suspended for it.
  [131042, rule(Category.ACCOUNT_ERROR, { accountHoldProbeMs: AFTER_A_FIX })],
  // Registration of the number (certificate).
  [131045, rule(Category.ACCOUNT_ERROR, { accountHoldProbeMs: AFTER_A_FIX })],
  [133010, rule(Category.ACCOUNT_ERROR, { accountHoldProbeMs: AFTER_A_FIX })],
  // Quality-based spam limit: Meta lifts it after hours and a look at the number's quality, not after a retry.
  [131048, rule(Category.ACCOUNT_ERROR, { accountHoldProbeMs: 2 * HOUR })],
  // Locked (policy, or a wrong two-step PIN), blocked for policy violations, or restricted for an
  // enforcement period: lifted after a review or a period, not within hours.
  [131031, rule(Category.ACCOUNT_ERROR, { accountHoldProbeMs: 6 * HOUR })],
  [368, rule(Category.ACCOUNT_ERROR, { accountHoldProbeMs: 6 * HOUR })],
  [131064, rule(Category.ACCOUNT_ERROR, { accountHoldProbeMs: 6 * HOUR })],
  // Account restrictions that refuse only some messages (recipients in some countries, marketing
  // templates, payment messages): the tenant's other messages still go, so no hold.
  [130497, rule(Category.ACCOUNT_ERROR)],
  [131063, rule(Category.ACCOUNT_ERROR)],
  [134011, rule(Category.ACCOUNT_ERROR)],
]);

const PHONE_NUMBER_ID_UNKNOWN = { code: 100, subcode: 33 };
const MAX_MESSAGE_LENGTH = 300;

export interface MetaClassification {
  error: DeliveryError;
  attemptLimit?: number;
}

@Injectable()
export class MetaErrorClassifier {
  /** Classifies a non-2xx answer from the Graph API. */
  classifyResponse(httpStatus: number, body: unknown): MetaClassification {
    const graphError = extractGraphError(body);
    const code = graphError?.code;
    const subcode = graphError?.error_subcode;
    const details = {
      code,
      subcode,
      httpStatus,
      traceId: graphError?.fbtrace_id,
    };
    const message = describe(httpStatus, graphError);

    if (code === PHONE_NUMBER_ID_UNKNOWN.code && subcode === PHONE_NUMBER_ID_UNKNOWN.subcode) {
      return { error: new DeliveryError(Category.ACCOUNT_ERROR, message, details) };
    }
    if (code !== undefined && (CODE_RULES.has(code) || isPermissionCode(code))) {
      const found = CODE_RULES.get(code) ?? rule(Category.ACCOUNT_ERROR, { accountHoldProbeMs: AFTER_A_FIX });
      return {
        error: new DeliveryError(found.category, message, {
          ...details,
          minRetryDelayMs: found.minRetryDelayMs,
          ...(found.recipientScoped ? { recipientScoped: true } : {}),
          ...(found.ownPace ? { ownPace: true } : {}),
          ...(found.accountHoldProbeMs !== undefined ? { accountHoldProbeMs: found.accountHoldProbeMs } : {}),
        }),
        attemptLimit: found.attemptLimit,
      };
    }
    return { error: new DeliveryError(categoryForStatus(httpStatus), message, details) };
  }

  /** Classifies a request that got no HTTP answer; the send may or may not have happened. */
  classifyTransportFailure(failure: VendorTransportError): MetaClassification {
    return { error: new DeliveryError(Category.TRANSIENT, failure.message) };
  }
}

/** 200–299 are Graph's "API Permission" family. */
function isPermissionCode(code: number): boolean {
  return code >= 200 && code <= 299;
}

function categoryForStatus(httpStatus: number): Category {
  if (httpStatus >= 500) return Category.TRANSIENT;
  if (httpStatus === 429) return Category.RATE_LIMITED;
  if (httpStatus === 401) return Category.AUTH;
  return Category.PERMANENT;
}

function extractGraphError(body: unknown): MetaGraphError | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const error = (body as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return undefined;
  const graphError = error as MetaGraphError;
  return typeof graphError.code === 'number' ? graphError : { ...graphError, code: undefined };
}

function describe(httpStatus: number, graphError: MetaGraphError | undefined): string {
  if (!graphError) return `Meta API answered HTTP ${httpStatus} without a Graph error body`;
  const detail = graphError.error_data?.details;
  const text = [graphError.message, detail].filter(Boolean).join(': ') || `HTTP ${httpStatus}`;
  return text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : text;
}
