export const DEFAULT_MAX_CACHED_TENANTS = 10_000;
export const DEFAULT_NEGATIVE_CACHE_TTL_MS = 30_000;
export const DEFAULT_MAX_CONCURRENT_REQUESTS = 16;

export interface CredentialsOptions<T> {
  /** Base URL of the platform's tenant service, without a trailing slash. */
  tenantServiceUrl: string;
  /** Service token sent as `Authorization: Bearer …`; never logged. */
  tenantServiceToken: string;
  /** Per request; also the longest wait for a request slot (see `maxConcurrentRequests`). */
  tenantServiceTimeoutMs: number;
  /** `type` query parameter: which credential set this service needs (`whatsapp`, `genesys`). */
  credentialType: string;
  /** How long fetched credentials are trusted; shortened by a record's own `expiresAt`. */
  cacheTtlMs: number;
  /**
   * How long a final refusal of a tenant (404, 403 or a non-active status, a malformed record) is
   * remembered, and the shortest time between two refreshes of one tenant after a sender mismatch.
   * @default 30000
   */
  negativeCacheTtlMs?: number;
  /**
   * Tenants kept in memory at most, for credentials and for refusals each; the least recently used are dropped beyond it.
   * @default 10000
   */
  maxCachedTenants?: number;
  /**
   * Credential fetches in flight from this process at most, so a flood of distinct unknown tenants
   * cannot hammer the tenant service. Fetches beyond wait for a slot at most `tenantServiceTimeoutMs`,
   * then fail as TENANT_SERVICE_UNAVAILABLE (the message waits in the broker, no vendor call spent).
   * @default 16
   */
  maxConcurrentRequests?: number;
  /** Checks the `credentials` object of a record and returns it typed, or throws a message saying what is wrong. */
  parseCredentials: (raw: unknown) => T;
}

export const CREDENTIALS_OPTIONS = Symbol('CREDENTIALS_OPTIONS');
