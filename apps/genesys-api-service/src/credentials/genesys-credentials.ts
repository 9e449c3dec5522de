import { GenesysRegion, isGenesysRegion } from '@lib/contracts';

/** The `credentials` object of a tenant's `type=genesys` record. */
export interface GenesysCredentials {
  /** The Genesys Cloud environment of the tenant's org: where its token and API calls go. */
  region: GenesysRegion;
  clientId: string;
  clientSecret: string;
  /** The Open Messaging integration messages are posted to; also the only one a legacy payload may name. */
  integrationId: string;
  rateLimits: GenesysRateLimits;
}

export interface GenesysRateLimits {
  /** Calls a minute for the tenant's token; Genesys allows 300 per client-credentials token unless raised. */
  requestsPerMinute: number;
  /** Calls allowed at once above the steady rate; left to the limiter's default when absent. */
  burstSize?: number;
}

/** Genesys Cloud's limit per client-credentials token, used when the record names none. */
export const DEFAULT_REQUESTS_PER_MINUTE = 300;

/** Sent inside HTTP Basic auth (`clientId:clientSecret`): visible ASCII, and no `:` in the id, which would move the split. */
const CLIENT_ID = /^[\x21-\x39\x3b-\x7e]+$/;
const CLIENT_SECRET = /^[\x21-\x7e]+$/;
/** Ends up in the API path. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RATE_LIMIT_FIELDS = ['requestsPerMinute', 'burstSize'] as const;

type Fields = Record<string, unknown>;

/**
 * Checks a record's credentials field by field and returns only the known fields. Throws one error
 * listing every problem; each names the field (from the record's root) and never its value. Optional
 * fields may be absent or `null`.
 */
export function parseGenesysCredentials(raw: unknown): GenesysCredentials {
  if (!isObject(raw)) throw new Error('credentials must be an object');
  const problems: string[] = [];
  const { region, clientId, clientSecret, integrationId } = raw;
  if (!isGenesysRegion(region)) {
    problems.push(
      'credentials.region must be a Genesys Cloud environment (such as mypurecloud.com); the client secret goes to no other host',
    );
  }
  if (typeof clientId !== 'string' || !CLIENT_ID.test(clientId)) {
    problems.push("credentials.clientId must be a non-empty string of visible ASCII characters without ':'");
  }
  if (typeof clientSecret !== 'string' || !CLIENT_SECRET.test(clientSecret)) {
    problems.push('credentials.clientSecret must be a non-empty string of visible ASCII characters');
  }
  if (typeof integrationId !== 'string' || !UUID.test(integrationId)) problems.push('credentials.integrationId must be a UUID');
  const rateLimits = parseRateLimits(raw.rateLimits, problems);
  if (problems.length > 0) throw new Error(problems.join('; '));
  return {
    region: region as GenesysRegion,
    clientId: clientId as string,
    clientSecret: clientSecret as string,
    integrationId: integrationId as string,
    rateLimits,
  };
}

/** A limit that is not a positive integer would switch the tenant's pacing off, so it is refused. */
function parseRateLimits(raw: unknown, problems: string[]): GenesysRateLimits {
  const limits: GenesysRateLimits = { requestsPerMinute: DEFAULT_REQUESTS_PER_MINUTE };
  if (!isGiven(raw)) return limits;
  if (!isObject(raw)) {
    problems.push('credentials.rateLimits must be an object when present');
    return limits;
  }
  for (const field of RATE_LIMIT_FIELDS) {
    const value = raw[field];
    if (!isGiven(value)) continue;
    if (Number.isSafeInteger(value) && (value as number) > 0) limits[field] = value as number;
    else problems.push(`credentials.rateLimits.${field} must be a positive integer`);
  }
  return limits;
}

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isGiven(value: unknown): boolean {
  return value !== undefined && value !== null;
}
