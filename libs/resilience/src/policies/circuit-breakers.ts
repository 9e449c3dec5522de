import { Inject, Injectable } from '@nestjs/common';
import { BrokenCircuitError, CircuitBreakerPolicy, CircuitState, IDisposable } from 'cockatiel';
import { growingLruCache } from '@lib/observability';
import { LRUCache } from 'lru-cache';
import { DeliveryError } from '../errors/delivery-error';
import { DeliveryErrorCategory } from '../errors/delivery-error-category';
import { KEYED_BREAKER_OPTIONS, KeyedBreakerOptions, RESILIENCE_OPTIONS, ResilienceOptions } from '../resilience.options';
import { BreakerStateGauge } from './breaker-state.gauge';
import { executeCountingHealth, healthBreaker } from './health-breaker';

/** Keys beyond `maxKeyLabels` share this label value. */
export const OTHER_KEYS = 'other';

interface KeyedBreaker {
  breaker: CircuitBreakerPolicy;
  label: string;
  following: IDisposable;
}

/**
 * Circuit breakers by a key the handler learns while handling (Genesys Cloud: the region, known once
 * the tenant's credentials are read), apart from the interceptor's per-tenant bulkhead. A key whose
 * calls keep failing is not called any more: its messages are deferred through the broker without
 * spending attempts, while other keys keep flowing. Outcomes count by the interceptor's rule
 * (`countsAgainstTenantHealth`). Bounded: the least recently used keys beyond `maxKeys`, and keys idle
 * for `idleEvictionMs`, are dropped with their state series.
 */
@Injectable()
export class CircuitBreakers {
  private readonly breakers: LRUCache<string, KeyedBreaker>;
  private readonly labelled = new Set<string>();

  constructor(
    @Inject(RESILIENCE_OPTIONS) private readonly options: ResilienceOptions,
    @Inject(KEYED_BREAKER_OPTIONS) private readonly keyed: KeyedBreakerOptions,
    private readonly states: BreakerStateGauge,
  ) {
    this.breakers = growingLruCache<string, KeyedBreaker>(keyed.maxKeys ?? 1_000, {
      ttl: options.idleEvictionMs ?? 3_600_000,
      updateAgeOnGet: true,
      dispose: (entry) => this.drop(entry),
    });
  }

  /**
   * Runs `work` through the breaker of `key` and gives back what it gave, returned or thrown. While the
   * breaker is open, or half-open with its one trial call in flight, `work` is not run: a
   * `CIRCUIT_OPEN` `DeliveryError` (next step `defer`, at least `CB_HALF_OPEN_AFTER_MS`) is thrown.
   */
  async execute<T>(key: string, work: () => Promise<T>): Promise<T> {
    const { breaker } = this.breakerOf(key);
    // cockatiel would hold these calls until the trial ends; they wait in the broker instead.
    if (breaker.state === CircuitState.HalfOpen) throw this.refusal(key);
    try {
      return await executeCountingHealth(breaker, work, breaker);
    } catch (error) {
      throw error instanceof BrokenCircuitError ? this.refusal(key) : error;
    }
  }

  /** The state of the breaker of `key`, `undefined` if it has none (never used, or dropped). */
  stateOf(key: string): CircuitState | undefined {
    return this.breakers.peek(key)?.breaker.state;
  }

  get size(): number {
    return this.breakers.size;
  }

  private breakerOf(key: string): KeyedBreaker {
    const existing = this.breakers.get(key);
    if (existing) return existing;
    const breaker = healthBreaker(this.options);
    const label = this.labelFor(key);
    const { keyKind } = this.keyed;
    const following = this.states.follow(breaker, () => ({ [keyKind]: label }), { keyKind, key });
    const created = { breaker, label, following };
    this.breakers.set(key, created);
    return created;
  }

  private labelFor(key: string): string {
    if (this.labelled.has(key) || key === OTHER_KEYS) return key;
    if (this.labelled.size >= (this.keyed.maxKeyLabels ?? 100)) return OTHER_KEYS;
    this.labelled.add(key);
    return key;
  }

  private drop({ following, label }: KeyedBreaker): void {
    following.dispose();
    // Keys sharing `other` share its series; only a key's own series goes with it.
    if (label !== OTHER_KEYS) this.states.forget({ [this.keyed.keyKind]: label });
  }

  private refusal(key: string): DeliveryError {
    return new DeliveryError(DeliveryErrorCategory.CIRCUIT_OPEN, `circuit open for ${this.keyed.keyKind} '${key}'`, {
      minRetryDelayMs: this.options.halfOpenAfterMs,
    });
  }
}
