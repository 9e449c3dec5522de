export type TenantStatus = 'active' | 'suspended' | 'expired';

/**
 * `GET /api/v1/tenants/{tenantId}/credentials?type=…` answer of the platform's tenant service, when
 * well-formed: every answer is checked field by field (`checkRecord`) before anything in it is used.
 */
export interface TenantCredentialsRecord {
  tenantId: string;
  credentialType: string;
  credentials: unknown;
  status: TenantStatus;
  expiresAt?: string;
  lastValidated?: string;
}

export interface TenantCredentials<T> {
  tenantId: string;
  credentials: T;
}
