export interface CredentialsOptions<T> {
  /** Base URL of the platform's tenant service, without a trailing slash. */
  tenantServiceUrl: string;
  /** Service token sent as `Authorization: Bearer …`; never logged. */
  tenantServiceToken: string;
  tenantServiceTimeoutMs: number;
  /** `type` query parameter: which credential set this service needs (`whatsapp`, `genesys`). */
  credentialType: string;
  /** How long fetched credentials are trusted; shortened by a record's own `expiresAt`. */
  cacheTtlMs: number;
  /**
   * Tenants kept in memory at most; the least recently used are dropped beyond it.
   * @default 10000
   */
  maxCachedTenants?: number;
  /** Checks the `credentials` object of a record and returns it typed, or throws a message saying what is wrong. */
  parseCredentials: (raw: unknown) => T;
}

export const CREDENTIALS_OPTIONS = Symbol('CREDENTIALS_OPTIONS');
