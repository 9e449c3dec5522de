import { Inject, Injectable } from '@nestjs/common';
import { MetricFactory, VerifiedTenants } from '@lib/observability';
import { LRUCache } from 'lru-cache';
import { Counter, Histogram } from 'prom-client';
import { CREDENTIALS_OPTIONS, CredentialsOptions } from './credentials.options';
import { TenantCredentials } from './tenant-credentials.types';
import { TenantServiceClient } from './tenant-service.client';

/**
 * Tenant credentials by tenant id: kept for the configured TTL (or until the record's own expiry),
 * fetched once however many messages miss at the same time, dropped on an auth failure. Failures
 * (not found, suspended, unreachable) are never cached.
 */
@Injectable()
export class CredentialsCache<T = unknown> {
  private readonly cache: LRUCache<string, TenantCredentials<T>>;
  private readonly requests: Counter<'result'>;
  private readonly fetchDuration: Histogram;

  constructor(
    private readonly client: TenantServiceClient<T>,
    @Inject(CREDENTIALS_OPTIONS) options: CredentialsOptions<T>,
    metrics: MetricFactory,
    verified: VerifiedTenants,
  ) {
    this.requests = metrics.counter('credential_cache_requests_total', 'Credential look-ups, by cache result', ['result']);
    this.fetchDuration = metrics.histogram('credential_fetch_duration_seconds', 'Tenant service credential fetches');
    this.cache = new LRUCache<string, TenantCredentials<T>>({
      max: options.maxCachedTenants ?? 10_000,
      ttl: Math.max(options.cacheTtlMs, 1),
      ignoreFetchAbort: true,
      fetchMethod: async (tenantId, _stale, { options: entry }) => {
        const stopTimer = this.fetchDuration.startTimer();
        try {
          const { expiresAt, ...fetched } = await this.client.fetch(tenantId);
          verified.confirm(tenantId);
          if (expiresAt !== undefined) entry.ttl = Math.max(1, Math.min(options.cacheTtlMs, expiresAt - Date.now()));
          return fetched;
        } finally {
          stopTimer();
        }
      },
    });
  }

  async get(tenantId: string): Promise<TenantCredentials<T>> {
    const status: LRUCache.Status<string, TenantCredentials<T>> = {};
    const found = await this.cache.fetch(tenantId, { status });
    this.requests.inc({ result: status.fetch === 'miss' || status.fetch === 'stale' ? 'miss' : 'hit' });
    if (!found) throw new Error(`credentials cache returned nothing for tenant '${tenantId}'`);
    return found;
  }

  /** Forget a tenant's credentials (e.g. after Meta refused its token); the next `get` fetches anew. */
  invalidate(tenantId: string): void {
    this.cache.delete(tenantId);
  }
}
