import { parseIsoDateTime } from '@lib/contracts';
import { TenantStatus } from './tenant-credentials.types';

const TENANT_STATUSES: readonly TenantStatus[] = ['active', 'suspended', 'expired'];

/** The record's own fields, checked; `credentials` is left to the service's parser. */
export interface CheckedRecord {
  status: TenantStatus;
  /** Epoch milliseconds. */
  expiresAt?: number;
  credentials: unknown;
}

export type RecordCheck = { ok: true; record: CheckedRecord } | { ok: false; problems: string[] };

/**
 * Checks the envelope of a tenant-service record against what was asked for. Problems name the
 * field and what is wrong with it, never its value (a record may carry anything).
 */
export function checkRecord(body: Record<string, unknown>, tenantId: string, credentialType: string): RecordCheck {
  const problems: string[] = [];
  if (body.tenantId !== tenantId) problems.push('tenantId is not the tenant asked for');
  if (body.credentialType !== credentialType) problems.push(`credentialType is not '${credentialType}'`);
  const status = body.status as TenantStatus;
  if (!TENANT_STATUSES.includes(status)) problems.push(`status must be one of ${TENANT_STATUSES.join(', ')}`);
  const expiresAt = optionalDateTime(body, 'expiresAt', problems);
  optionalDateTime(body, 'lastValidated', problems);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, record: { status, expiresAt, credentials: body.credentials } };
}

/** Absent and `null` both mean "not given". */
function optionalDateTime(body: Record<string, unknown>, field: string, problems: string[]): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  const parsed = parseIsoDateTime(value);
  if (parsed === undefined) problems.push(`${field} must be an ISO-8601 date-time string`);
  return parsed;
}
