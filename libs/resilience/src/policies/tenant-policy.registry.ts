import { Inject, Injectable, Logger } from '@nestjs/common';
import { MetricFactory, TenantLabel } from '@lib/observability';
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

/**
 * One breaker and one bulkhead per tenant, created on first use. Bounded: the least recently used
 * tenants beyond `maxTenants`, and tenants idle for `idleEvictionMs`, are dropped, so 100,000 tenants
 * do not grow memory for ever.
 */
@Injectable()
export class TenantPolicyRegistry {
  private readonly logger = new Logger('CircuitBreaker');
  private readonly tenants: LRUCache<string, TenantPolicies>;
  private readonly stateGauge: Gauge<'tenant'>;

  constructor(
    @Inject(RESILIENCE_OPTIONS) private readonly options: ResilienceOptions,
    metrics: MetricFactory,
    private readonly tenantLabel: TenantLabel,
  ) {
    this.stateGauge = metrics.gauge('circuit_breaker_state', 'Per-tenant breaker: 0 closed, 1 half-open, 2 open', ['tenant']);
    this.tenants = new LRUCache<string, TenantPolicies>({
      max: options.maxTenants ?? 10_000,
      ttl: options.idleEvictionMs ?? 3_600_000,
      updateAgeOnGet: true,
      dispose: (policies) => policies.dispose(),
    });
  }

  for(tenantId: string): TenantPolicies {
    let policies = this.tenants.get(tenantId);
    if (!policies) {
      policies = this.create(tenantId);
      this.tenants.set(tenantId, policies);
    }
    return policies;
  }

  get size(): number {
    return this.tenants.size;
  }

  private create(tenantId: string): TenantPolicies {
    const breaker = circuitBreaker(handleType(UnhealthyOutcome), {
      halfOpenAfter: this.options.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(this.options.failureThreshold),
    });
    const limiter = bulkhead(this.options.maxInFlightPerTenant, 0);
    const label = this.tenantLabel.for(tenantId);
    const subscription = breaker.onStateChange((state) => {
      this.stateGauge.set({ tenant: label }, STATE_VALUE[state]);
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
