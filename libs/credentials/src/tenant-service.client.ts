import { HttpService } from '@nestjs/axios';
import { Inject, Injectable } from '@nestjs/common';
import { DeliveryError, DeliveryErrorCategory } from '@lib/resilience';
import { ExponentialBackoff, handleWhen, retry, RetryPolicy } from 'cockatiel';
import { CREDENTIALS_OPTIONS, CredentialsOptions, DEFAULT_MAX_CONCURRENT_REQUESTS } from './credentials.options';
import { RequestSlots, RequestSlotsBusyError } from './request-slots';
import { TenantCredentials } from './tenant-credentials.types';
import { checkRecord } from './tenant-record.validator';
import { isRedirect, networkErrorCode, problemOfError, problemOfStatus, TenantServiceProblem } from './tenant-service.problem';

const MAX_ATTEMPTS = 3;
const PROBE_TENANT = '__readiness-probe__';
const PROBE_TIMEOUT_MS = 2000;

const isUnavailable = (error: Error) =>
  error instanceof DeliveryError && error.category === DeliveryErrorCategory.TENANT_SERVICE_UNAVAILABLE;

/**
 * Fetches one tenant's credentials. Timeouts, 5xx and network errors are tried 3 times with backoff,
 * then reported as TENANT_SERVICE_UNAVAILABLE (a transient condition); 404 and 403 / inactive
 * tenants are final answers, and so is a malformed record (ACCOUNT_ERROR: the tenant's
 * configuration is broken, naming each bad field but never its value).
 */
@Injectable()
export class TenantServiceClient<T = unknown> {
  private readonly retryPolicy: RetryPolicy;
  private readonly maxConcurrentRequests: number;
  private readonly slots: RequestSlots;

  constructor(
    private readonly http: HttpService,
    @Inject(CREDENTIALS_OPTIONS) private readonly options: CredentialsOptions<T>,
  ) {
    this.retryPolicy = retry(handleWhen(isUnavailable), {
      maxAttempts: MAX_ATTEMPTS - 1,
      backoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 1000 }),
    });
    this.maxConcurrentRequests = options.maxConcurrentRequests ?? DEFAULT_MAX_CONCURRENT_REQUESTS;
    this.slots = new RequestSlots(this.maxConcurrentRequests, options.tenantServiceTimeoutMs);
  }

  /**
   * One fetch holds one request slot through its tries and backoff, so at most `maxConcurrentRequests`
   * requests are in flight, fewer while the service is failing.
   */
  async fetch(tenantId: string): Promise<TenantCredentials<T> & { expiresAt?: number }> {
    try {
      return await this.slots.run(() => this.retryPolicy.execute(() => this.fetchOnce(tenantId)));
    } catch (error) {
      if (!(error instanceof RequestSlotsBusyError)) throw error;
      throw unavailable(`tenant service busy: ${this.maxConcurrentRequests} request(s) of this replica already in flight`);
    }
  }

  /**
   * One cheap request for a tenant that does not exist, for readiness: a 404 (or a 200 or 403) means the
   * service is there and accepts our token. Resolves with the problem, or undefined when it serves.
   */
  async probe(): Promise<TenantServiceProblem | undefined> {
    try {
      const response = await this.requestCredentials(PROBE_TENANT, Math.min(this.options.tenantServiceTimeoutMs, PROBE_TIMEOUT_MS));
      return problemOfStatus(response.status);
    } catch (error) {
      return problemOfError(error);
    }
  }

  /**
   * `GET …/tenants/{tenantId}/credentials?type=…` with our service token; every HTTP answer resolves.
   * Redirects are never followed, whatever the HTTP client's defaults: the token goes to the configured host only.
   */
  private requestCredentials(tenantId: string, timeoutMs: number) {
    const url = `${this.options.tenantServiceUrl}/api/v1/tenants/${encodeURIComponent(tenantId)}/credentials`;
    return this.http.axiosRef.get<unknown>(url, {
      params: { type: this.options.credentialType },
      headers: { Authorization: `Bearer ${this.options.tenantServiceToken}` },
      timeout: timeoutMs,
      maxRedirects: 0,
      validateStatus: () => true,
    });
  }

  private async fetchOnce(tenantId: string): Promise<TenantCredentials<T> & { expiresAt?: number }> {
    let response;
    try {
      response = await this.requestCredentials(tenantId, this.options.tenantServiceTimeoutMs);
    } catch (error) {
      throw unavailable(`tenant service request failed (${networkErrorCode(error)})`);
    }
    return this.interpret(tenantId, response.status, response.data);
  }

  private interpret(tenantId: string, status: number, body: unknown) {
    if (status === 404) {
      throw new DeliveryError(DeliveryErrorCategory.TENANT_NOT_FOUND, `tenant '${tenantId}' not found by the tenant service`, {
        httpStatus: status,
      });
    }
    if (status === 403) {
      throw inactive(tenantId, 'refused by the tenant service (HTTP 403)', status);
    }
    if (isRedirect(status)) {
      // Most likely a wrong TENANT_SERVICE_URL (http behind an https redirect): an operator problem, like a 401.
      throw unavailable(`tenant service answered HTTP ${status} (a redirect, not followed)`, status);
    }
    if (status !== 200) {
      // 401 here means our own service token is wrong: an operator problem, not the tenant's; retried.
      throw unavailable(`tenant service answered HTTP ${status}`, status);
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw unavailable('tenant service answered 200 without a credentials record', status);
    }
    const check = checkRecord(body as Record<string, unknown>, tenantId, this.options.credentialType);
    if (!check.ok) throw this.unusable(tenantId, check.problems);
    const { record } = check;
    if (record.status !== 'active') throw inactive(tenantId, `status is '${record.status}'`, status);
    if (record.expiresAt !== undefined && record.expiresAt <= Date.now()) {
      throw inactive(tenantId, `credentials expired at ${new Date(record.expiresAt).toISOString()}`, status);
    }
    let credentials: T;
    try {
      credentials = this.options.parseCredentials(record.credentials);
    } catch (error) {
      throw this.unusable(tenantId, [(error as Error).message]);
    }
    return { tenantId, credentials, expiresAt: record.expiresAt };
  }

  /** A record this service cannot use: the tenant's configuration is broken, so no retry helps. */
  private unusable(tenantId: string, problems: string[]): DeliveryError {
    return new DeliveryError(
      DeliveryErrorCategory.ACCOUNT_ERROR,
      `tenant '${tenantId}' has an unusable ${this.options.credentialType} credentials record: ${problems.join('; ')}`,
    );
  }
}

function unavailable(message: string, httpStatus?: number): DeliveryError {
  return new DeliveryError(DeliveryErrorCategory.TENANT_SERVICE_UNAVAILABLE, message, { httpStatus });
}

function inactive(tenantId: string, reason: string, httpStatus: number): DeliveryError {
  return new DeliveryError(DeliveryErrorCategory.TENANT_INACTIVE, `tenant '${tenantId}' is not active: ${reason}`, {
    httpStatus,
  });
}
