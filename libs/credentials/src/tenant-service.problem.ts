/** Why the tenant service cannot serve us, as readiness reports it. */
export type TenantServiceProblemReason = 'unreachable' | 'token-refused' | 'redirected' | 'error-status';

/** Says how the tenant service fails, never what it answered: its body and error text are not ours to echo. */
export interface TenantServiceProblem {
  reason: TenantServiceProblemReason;
  note: string;
  httpStatus?: number;
  /** Node's network error code (`ECONNREFUSED`, `ECONNRESET`, `ETIMEDOUT`, …). */
  errorCode?: string;
}

/** Answers that show the service there and accepting our token; the probe asks for a tenant that does not exist. */
const SERVING = new Set([200, 403, 404]);
const ERROR_CODE = /^[A-Z][A-Z0-9_]{0,39}$/;

export const isRedirect = (status: number) => status >= 300 && status < 400;

export function problemOfStatus(status: number): TenantServiceProblem | undefined {
  if (SERVING.has(status)) return undefined;
  if (status === 401)
    return { reason: 'token-refused', httpStatus: status, note: 'the tenant service refuses our service token (HTTP 401)' };
  if (isRedirect(status)) {
    return {
      reason: 'redirected',
      httpStatus: status,
      note: `the tenant service answers HTTP ${status}, a redirect, which is never followed`,
    };
  }
  return { reason: 'error-status', httpStatus: status, note: `the tenant service answers HTTP ${status}` };
}

export function problemOfError(error: unknown): TenantServiceProblem {
  const errorCode = networkErrorCode(error);
  return { reason: 'unreachable', errorCode, note: `the tenant service is unreachable (${errorCode})` };
}

/** The error's code when it looks like one of Node's, else `network error`: nothing else of the error is repeated. */
export function networkErrorCode(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && ERROR_CODE.test(code) ? code : 'network error';
}
