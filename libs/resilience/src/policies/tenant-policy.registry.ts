import { Inject, Injectable, Logger } from '@nestjs/common';
import { MetricFactory, TenantLabel, VerifiedTenants } from '@lib/observability';
import {
  BulkheadPolicy,
  bulkhead,
  CircuitBreakerPolicy,
  circuitBreaker,
  CircuitState,
  ConsecutiveBreaker,
  handleType,
  IPolicy,
  wrap,
} from 'cockatiel';
import { LRUCache } from 'lru-cache';
import { Gauge } from 'prom-client';
import { RESILIENCE_OPTIONS, ResilienceOptions } from '../resilience.options';
import { UnhealthyOutcome } from './tenant-health';

export interface TenantPolicies {
  breaker: CircuitBreakerPolicy;
  bulkhead: BulkheadPolicy;
  /** bulkhead → breaker: a message needs an in-flight slot, then a closed (or half-open) circuit. */
  policy: IPolicy;
  dispose(): void;
}

/** `circuit_breaker_state` values: 0 closed, 1 half-open, 2 open. */
const STATE_VALUE: Record<CircuitState, number> = {
  [CircuitState.Closed]: 0,
  [CircuitState.HalfOpen]: 1,
  [CircuitState.Open]: 2,
  [CircuitState.Isolated]: 2,
};

/** Unverified tenant ids (made up or not yet confirmed) whose policies are kept at once; only they churn this part. */
const DEFAULT_MAX_UNVERIFIED = 1_000;

/**
 * One breaker and one bulkhead per tenant, created on first use. Bounded: the least recently used
 * tenants beyond `maxTenants`, and tenants idle for `idleEvictionMs`, are dropped, so 100,000 tenants
 * do not grow memory for ever. Policies live in two parts: verified tenants (confirmed by the tenant
 * service, see `VerifiedTenants`) in the large one, every other id in a small one of its own, so a
 * flood of made-up routing keys evicts only other made-up ids and never resets a real tenant's open
 * breaker or its bulkhead. An unverified tenant's policies move over once it is verified.
 */
@Injectable()
export class TenantPolicyRegistry {
  private readonly logger = new Logger('CircuitBreaker');
  private readonly verifiedPolicies: LRUCache<string, TenantPolicies>;
  private readonly unverifiedPolicies: LRUCache<string, TenantPolicies>;
  private readonly stateGauge: Gauge<'tenant'>;

  constructor(
    @Inject(RESILIENCE_OPTIONS) private readonly options: ResilienceOptions,
    metrics: MetricFactory,
    private readonly tenantLabel: TenantLabel,
    private readonly verified: VerifiedTenants,
  ) {
    this.stateGauge = metrics.gauge('circuit_breaker_state', 'Per-tenant breaker: 0 closed, 1 half-open, 2 open', ['tenant']);
    const part = (max: number) =>
      new LRUCache<string, TenantPolicies>({
        max,
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
    const breaker = circuitBreaker(handleType(UnhealthyOutcome), {
      halfOpenAfter: this.options.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(this.options.failureThreshold),
    });
    const limiter = bulkhead(this.options.maxInFlightPerTenant, 0);
    const subscription = breaker.onStateChange((state) => {
      // Labelled when it changes: a breaker created before its tenant was verified still gets its own label.
      this.stateGauge.set({ tenant: this.tenantLabel.for(tenantId) }, STATE_VALUE[state]);
      const event = { tenantId, event: 'circuit_breaker_state_changed', state: CircuitState[state] };
      if (state === CircuitState.Open) this.logger.warn(event);
      else this.logger.log(event);
    });
    return {
      breaker,
      bulkhead: limiter,
      policy: wrap(limiter, breaker),
      dispose: () => subscription.dispose(),
    };
  }
}
