import { Inject, Injectable } from '@nestjs/common';
import { TenantLabel, VerifiedTenants, growingLruCache } from '@lib/observability';
import { BulkheadPolicy, bulkhead, CircuitBreakerPolicy, IPolicy, wrap } from 'cockatiel';
import { LRUCache } from 'lru-cache';
import { RESILIENCE_OPTIONS, ResilienceOptions, TENANT_BREAKER_LABEL } from '../resilience.options';
import { BreakerStateGauge } from './breaker-state.gauge';
import { BulkheadWaiters } from './bulkhead-waiters';
import { healthBreaker } from './health-breaker';

export interface TenantPolicies {
  /** The tenant's own breaker; none when the interceptor is configured without (`interceptorBreaker: 'none'`). */
  breaker?: CircuitBreakerPolicy;
  bulkhead: BulkheadPolicy;
  /** Messages waiting briefly for a slot of the full bulkhead. */
  waiters: BulkheadWaiters;
  /** bulkhead → breaker (if any): a message needs an in-flight slot, then a closed (or half-open) circuit. */
  policy: IPolicy;
  dispose(): void;
}

/** Long enough for a slot to free at a few hundred messages a second; short beside a vendor call. */
const MAX_WAIT_FOR_SLOT_MS = 250;

/** Unverified tenant ids (made up or not yet confirmed) whose policies are kept at once; only they churn this part. */
const DEFAULT_MAX_UNVERIFIED = 1_000;

/**
 * One bulkhead and (with `interceptorBreaker: 'per-tenant'`) one breaker per tenant, created on first
 * use. Bounded: the least recently used tenants beyond `maxTenants`, and tenants idle for
 * `idleEvictionMs`, are dropped, so 100,000 tenants do not grow memory for ever. Policies live in two parts: verified tenants (confirmed by the tenant
 * service, see `VerifiedTenants`) in the large one, every other id in a small one of its own, so a
 * flood of made-up routing keys evicts only other made-up ids and never resets a real tenant's open
 * breaker or its bulkhead. An unverified tenant's policies move over once it is verified.
 */
@Injectable()
export class TenantPolicyRegistry {
  private readonly verifiedPolicies: LRUCache<string, TenantPolicies>;
  private readonly unverifiedPolicies: LRUCache<string, TenantPolicies>;

  constructor(
    @Inject(RESILIENCE_OPTIONS) private readonly options: ResilienceOptions,
    private readonly states: BreakerStateGauge,
    private readonly tenantLabel: TenantLabel,
    private readonly verified: VerifiedTenants,
  ) {
    const part = (max: number) =>
      growingLruCache<string, TenantPolicies>(max, {
        ttl: options.idleEvictionMs ?? 3_600_000,
        updateAgeOnGet: true,
        dispose: (policies, _tenantId, reason) => reason !== 'delete' && policies.dispose(),
      });
    this.verifiedPolicies = part(options.maxTenants ?? 10_000);
    this.unverifiedPolicies = part(options.maxUnverifiedTenants ?? DEFAULT_MAX_UNVERIFIED);
  }

  for(tenantId: string): TenantPolicies {
    const existing = this.verifiedPolicies.get(tenantId);
    if (existing) return existing;
    const isVerified = this.verified.has(tenantId);
    let policies = this.unverifiedPolicies.get(tenantId);
    if (policies && isVerified) {
      this.unverifiedPolicies.delete(tenantId);
      this.verifiedPolicies.set(tenantId, policies);
    }
    if (!policies) {
      policies = this.create(tenantId);
      (isVerified ? this.verifiedPolicies : this.unverifiedPolicies).set(tenantId, policies);
    }
    return policies;
  }

  get size(): number {
    return this.verifiedPolicies.size + this.unverifiedPolicies.size;
  }

  private create(tenantId: string): TenantPolicies {
    const limiter = bulkhead(this.options.maxInFlightPerTenant, 0);
    const waiters = new BulkheadWaiters(this.options.maxWaitingPerTenant ?? 0, MAX_WAIT_FOR_SLOT_MS);
    if (this.options.interceptorBreaker === 'none') return { bulkhead: limiter, waiters, policy: limiter, dispose: () => undefined };
    const breaker = healthBreaker(this.options);
    // Labelled when it changes: a breaker created before its tenant was verified still gets its own label.
    const following = this.states.follow(breaker, () => ({ [TENANT_BREAKER_LABEL]: this.tenantLabel.for(tenantId) }), { tenantId });
    return {
      breaker,
      bulkhead: limiter,
      waiters,
      policy: wrap(limiter, breaker),
      dispose: () => following.dispose(),
    };
  }
}
