import { ExecutionContext } from '@nestjs/common';

export interface ResilienceOptions {
  /** Consecutive unhealthy outcomes of one tenant that open its breaker (CB_FAILURE_THRESHOLD). */
  failureThreshold: number;
  /** How long an open breaker waits before letting one message through (CB_HALF_OPEN_AFTER_MS). */
  halfOpenAfterMs: number;
  /** Messages of one tenant handled at once; more are deferred through the broker (bulkhead). */
  maxInFlightPerTenant: number;
  /** Longest handling of one message before it is deferred and its late result ignored. */
  handlerTimeoutMs: number;
  /** Which tenant a handler invocation is for, before its payload is parsed. */
  tenantOf: (context: ExecutionContext) => string | undefined;
  /**
   * Verified tenants whose policies are kept; the least recently used are dropped beyond it.
   * @default 10000
   */
  maxTenants?: number;
  /**
   * Tenant ids not (yet) confirmed by the tenant service whose policies are kept, apart from the
   * verified ones; the least recently used are dropped beyond it.
   * @default 1000
   */
  maxUnverifiedTenants?: number;
  /**
   * A tenant's policies are dropped after this long without messages.
   * @default 3600000
   */
  idleEvictionMs?: number;
}

export const RESILIENCE_OPTIONS = Symbol('RESILIENCE_OPTIONS');
