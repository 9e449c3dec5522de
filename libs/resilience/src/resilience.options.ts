import { ExecutionContext } from '@nestjs/common';

export interface ResilienceOptions {
  /**
   * The fewest outcomes of one breaker's key, over `sampleWindowMs`, on which it may open; a key whose
   * every call fails opens after this many (CB_FAILURE_THRESHOLD).
   */
  failureThreshold: number;
  /**
   * The share of unhealthy outcomes over `sampleWindowMs` above which a breaker opens (CB_FAILURE_RATE).
   * @default 0.5
   */
  failureRate?: number;
  /**
   * How far back a breaker counts outcomes (CB_SAMPLE_WINDOW_MS).
   * @default 30000
   */
  sampleWindowMs?: number;
  /** How long an open breaker waits before letting one message through (CB_HALF_OPEN_AFTER_MS). */
  halfOpenAfterMs: number;
  /** Messages of one tenant handled at once; more are deferred through the broker (bulkhead). */
  maxInFlightPerTenant: number;
  /**
   * Messages of one tenant that may wait, up to 250 ms each, for a slot of its full bulkhead before they
   * are deferred through the broker. Keep it within the prefetch beyond the bulkhead, with room left:
   * those slots are how other tenants' messages get past one tenant's backlog.
   * @default 0
   */
  maxWaitingPerTenant?: number;
  /** Longest handling of one message before it is deferred and its late result ignored. */
  handlerTimeoutMs: number;
  /**
   * What the interceptor applies inside each tenant's bulkhead: a circuit breaker of the tenant's own
   * (`per-tenant`), or none (`none`) for a service whose breakers follow another key, known only while
   * handling (a vendor region): its handler calls `CircuitBreakers`.
   */
  interceptorBreaker: 'per-tenant' | 'none';
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
   * Policies (a tenant's, a key's breaker) are dropped after this long without messages.
   * @default 3600000
   */
  idleEvictionMs?: number;
}

export const RESILIENCE_OPTIONS = Symbol('RESILIENCE_OPTIONS');

/**
 * The breakers a handler calls by a key of its own (`CircuitBreakers`). The key is written into logs,
 * metric labels and refusal messages: it must never be a secret or message content.
 */
export interface KeyedBreakerOptions {
  /**
   * What a key is (`region`): the label of its `circuit_breaker_state` series and the word logs and
   * refusals use. A lower-case Prometheus label name other than `tenant`.
   */
  keyKind: string;
  /**
   * Breakers kept at once; the least recently used are dropped beyond it.
   * @default 1000
   */
  maxKeys?: number;
  /**
   * Keys that get a metric label of their own; later ones share `other`.
   * @default 100
   */
  maxKeyLabels?: number;
}

export const KEYED_BREAKER_OPTIONS = Symbol('KEYED_BREAKER_OPTIONS');

/** The label of the interceptor's per-tenant breakers, which a keyed breaker must not reuse. */
export const TENANT_BREAKER_LABEL = 'tenant';

const LABEL_NAME = /^[a-z][a-z0-9_]*$/;
/** Labels Prometheus gives a meaning of its own (target labels, histogram and summary buckets). */
const RESERVED_LABELS = new Set(['instance', 'job', 'le', 'quantile']);

/** Checks keyed breaker options when the module is declared, so a wrong one stops the service at start. */
export function validKeyedBreakerOptions(options: KeyedBreakerOptions): KeyedBreakerOptions {
  const { keyKind, maxKeys, maxKeyLabels } = options;
  if (keyKind === TENANT_BREAKER_LABEL) throw new Error(`keyKind '${keyKind}' is the interceptor's own breaker label`);
  if (!LABEL_NAME.test(keyKind)) throw new Error(`keyKind '${keyKind}' must be a lower-case Prometheus label name`);
  if (RESERVED_LABELS.has(keyKind)) throw new Error(`keyKind '${keyKind}' is a label Prometheus reserves`);
  for (const [name, value] of Object.entries({ maxKeys, maxKeyLabels })) {
    if (value !== undefined && !(Number.isInteger(value) && value >= 1)) throw new Error(`${name} must be a positive integer`);
  }
  return options;
}
