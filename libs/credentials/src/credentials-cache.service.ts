import { Inject, Injectable } from '@nestjs/common';
import { MetricFactory, VerifiedTenants, growingLruCache } from '@lib/observability';
import { DeliveryError, DeliveryErrorCategory as Category, DeliveryErrorDetails } from '@lib/resilience';
import { LRUCache } from 'lru-cache';
import { Counter, Histogram } from 'prom-client';
import { CREDENTIALS_OPTIONS, CredentialsOptions, DEFAULT_MAX_CACHED_TENANTS, DEFAULT_NEGATIVE_CACHE_TTL_MS } from './credentials.options';
import { TenantCredentials } from './tenant-credentials.types';
import { TenantServiceClient } from './tenant-service.client';

/** The tenant service's final word on a tenant: asking again within seconds would get the same answer. */
const FINAL_REFUSALS = new Set<string>([Category.TENANT_NOT_FOUND, Category.TENANT_INACTIVE, Category.ACCOUNT_ERROR]);

interface Refusal {
  category: Category;
  message: string;
  details: DeliveryErrorDetails;
}

/**
 * Tenant credentials by tenant id: kept for the configured TTL (or until the record's own expiry),
 * fetched once however many messages miss at the same time, dropped on an auth failure. Final
 * refusals (not found, inactive, malformed record) are remembered for the short negative-cache TTL,
 * so a flood of one unknown tenant's messages costs one request; the service being unreachable is
 * never remembered. Both maps are LRU-bounded by `maxCachedTenants`.
 */
@Injectable()
export class CredentialsCache<T = unknown> {
  private readonly cache: LRUCache<string, TenantCredentials<T>>;
  private readonly refusals: LRUCache<string, Refusal>;
  /** Tenants refreshed by `refresh` within the negative-cache TTL. */
  private readonly refreshed: LRUCache<string, true>;
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
    const max = options.maxCachedTenants ?? DEFAULT_MAX_CACHED_TENANTS;
    const negativeTtl = options.negativeCacheTtlMs ?? DEFAULT_NEGATIVE_CACHE_TTL_MS;
    this.refusals = growingLruCache<string, Refusal>(max, { ttl: negativeTtl });
    this.refreshed = growingLruCache<string, true>(max, { ttl: negativeTtl });
    this.cache = growingLruCache<string, TenantCredentials<T>>(max, {
      ttl: Math.max(options.cacheTtlMs, 1),
      ignoreFetchAbort: true,
      fetchMethod: async (tenantId, _stale, { options: entry }) => {
        const stopTimer = this.fetchDuration.startTimer();
        try {
          const { expiresAt, ...fetched } = await this.client.fetch(tenantId);
          verified.confirm(tenantId);
          if (expiresAt !== undefined) entry.ttl = Math.max(1, Math.min(options.cacheTtlMs, expiresAt - Date.now()));
          return fetched;
        } catch (error) {
          // Remembered before the shared fetch settles, so no caller can slip in between and ask again.
          if (error instanceof DeliveryError && FINAL_REFUSALS.has(error.category)) {
            this.refusals.set(tenantId, { category: error.category, message: error.message, details: error.details });
          }
          throw error;
        } finally {
          stopTimer();
        }
      },
    });
  }

  async get(tenantId: string): Promise<TenantCredentials<T>> {
    const refusal = this.refusals.get(tenantId);
    if (refusal) {
      this.requests.inc({ result: 'hit' });
      throw new DeliveryError(refusal.category, refusal.message, refusal.details);
    }
    const status: LRUCache.Status<string, TenantCredentials<T>> = {};
    let found: TenantCredentials<T> | undefined;
    try {
      found = await this.cache.fetch(tenantId, { status });
    } finally {
      this.requests.inc({ result: status.fetch === 'miss' || status.fetch === 'stale' ? 'miss' : 'hit' });
    }
    if (!found) throw new Error(`credentials cache returned nothing for tenant '${tenantId}'`);
    return found;
  }

  /**
   * Fetches a tenant anew (e.g. its message names a phone number its cached credentials do not have),
   * at most once per tenant per negative-cache TTL: within it, what the cache holds or is fetching is
   * returned. Concurrent calls share one request; `refreshed` is true for the one call that started it.
   */
  async refresh(tenantId: string): Promise<TenantCredentials<T> & { refreshed: boolean }> {
    const refreshed = !this.refreshed.has(tenantId);
    if (refreshed) {
      this.refreshed.set(tenantId, true);
      this.cache.delete(tenantId);
    }
    return { ...(await this.get(tenantId)), refreshed };
  }

  /** Forget what is known of a tenant (e.g. after Meta refused its token); the next `get` fetches anew. */
  invalidate(tenantId: string): void {
    this.cache.delete(tenantId);
    this.refusals.delete(tenantId);
  }
}
