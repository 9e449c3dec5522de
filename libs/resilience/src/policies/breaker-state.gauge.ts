import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { MetricFactory } from '@lib/observability';
import { CircuitBreakerPolicy, CircuitState, IDisposable } from 'cockatiel';
import { Gauge, LabelValues } from 'prom-client';
import { KEYED_BREAKER_OPTIONS, KeyedBreakerOptions, TENANT_BREAKER_LABEL } from '../resilience.options';

/** `circuit_breaker_state` values: 0 closed, 1 half-open, 2 open. */
const STATE_VALUE: Record<CircuitState, number> = {
  [CircuitState.Closed]: 0,
  [CircuitState.HalfOpen]: 1,
  [CircuitState.Open]: 2,
  [CircuitState.Isolated]: 2,
};

/**
 * The one `circuit_breaker_state` gauge of the service and the `circuit_breaker_state_changed` log
 * line. A series is labelled by what its breaker is for: `tenant` for the interceptor's per-tenant
 * breakers, the key kind (`region`) for the breakers a handler calls by key.
 */
@Injectable()
export class BreakerStateGauge {
  private readonly logger = new Logger('CircuitBreaker');
  private readonly gauge: Gauge<string>;

  constructor(metrics: MetricFactory, @Optional() @Inject(KEYED_BREAKER_OPTIONS) keyed?: KeyedBreakerOptions) {
    const labelNames = keyed ? [TENANT_BREAKER_LABEL, keyed.keyKind] : [TENANT_BREAKER_LABEL];
    this.gauge = metrics.gauge('circuit_breaker_state', 'Circuit breaker per tenant or key: 0 closed, 1 half-open, 2 open', labelNames);
  }

  /**
   * Reports each state change of `breaker` under its labels at that moment (a tenant verified after its
   * breaker was created then gets a label of its own) and logs it with `logFields`.
   */
  follow(breaker: CircuitBreakerPolicy, labels: () => LabelValues<string>, logFields: Record<string, unknown>): IDisposable {
    return breaker.onStateChange((state) => {
      this.gauge.set(labels(), STATE_VALUE[state]);
      const event = { ...logFields, event: 'circuit_breaker_state_changed', state: CircuitState[state] };
      if (state === CircuitState.Open) this.logger.warn(event);
      else this.logger.log(event);
    });
  }

  /** Drops the series of a breaker that was dropped, so that it does not go on reporting a stale state. */
  forget(labels: LabelValues<string>): void {
    this.gauge.remove(labels);
  }
}
