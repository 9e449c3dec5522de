/** The `credentials` object of a tenant's `type=whatsapp` record. */
export interface WhatsappCredentials {
  systemUserAccessToken: string;
  phoneNumberId: string;
  businessAccountId?: string;
  rateLimits?: { messagesPerSecond?: number; messagesPerDay?: number };
}

/** Sent as `Authorization: Bearer …`: visible ASCII only, so it can never split or add a header. */
const ACCESS_TOKEN = /^[\x21-\x7e]+$/;
/** Ends up in the Graph API path, like the envelope's `metadata.phoneNumberId`. */
const PHONE_NUMBER_ID = /^\d{1,32}$/;
const RATE_LIMIT_FIELDS = ['messagesPerSecond', 'messagesPerDay'] as const;

type Fields = Record<string, unknown>;

/**
 * Checks a record's credentials field by field and returns only the known fields. Throws one error
 * listing every problem; each names the field (from the record's root) and never its value. Optional
 * fields may be absent or `null`.
 */
export function parseWhatsappCredentials(raw: unknown): WhatsappCredentials {
  if (!isObject(raw)) throw new Error('credentials must be an object');
  const problems: string[] = [];
  const { systemUserAccessToken, phoneNumberId, businessAccountId } = raw;
  if (typeof systemUserAccessToken !== 'string' || !ACCESS_TOKEN.test(systemUserAccessToken)) {
    problems.push('credentials.systemUserAccessToken must be a non-empty string without spaces or control characters');
  }
  if (typeof phoneNumberId !== 'string' || !PHONE_NUMBER_ID.test(phoneNumberId)) {
    problems.push('credentials.phoneNumberId must be a string of 1-32 digits');
  }
  if (isGiven(businessAccountId) && (typeof businessAccountId !== 'string' || businessAccountId.length === 0)) {
    problems.push('credentials.businessAccountId must be a non-empty string when present');
  }
  const rateLimits = parseRateLimits(raw.rateLimits, problems);
  if (problems.length > 0) throw new Error(problems.join('; '));
  return {
    systemUserAccessToken: systemUserAccessToken as string,
    phoneNumberId: phoneNumberId as string,
    ...(isGiven(businessAccountId) ? { businessAccountId: businessAccountId as string } : {}),
    ...(rateLimits ? { rateLimits } : {}),
  };
}

/** A limit that is not a positive finite number would switch the number's pacing off, so it is refused. */
function parseRateLimits(raw: unknown, problems: string[]): WhatsappCredentials['rateLimits'] {
  if (!isGiven(raw)) return undefined;
  if (!isObject(raw)) {
    problems.push('credentials.rateLimits must be an object when present');
    return undefined;
  }
  const limits: NonNullable<WhatsappCredentials['rateLimits']> = {};
  for (const field of RATE_LIMIT_FIELDS) {
    const value = raw[field];
    if (!isGiven(value)) continue;
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) limits[field] = value;
    else problems.push(`credentials.rateLimits.${field} must be a positive finite number`);
  }
  return limits;
}

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isGiven(value: unknown): boolean {
  return value !== undefined && value !== null;
}
