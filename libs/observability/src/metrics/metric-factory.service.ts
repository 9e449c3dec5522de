import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, register } from 'prom-client';
import { metricPrefixFor, OBSERVABILITY_OPTIONS, ObservabilityOptions } from '../observability.options';

/** Latency buckets (seconds) from 5 ms to 30 s: Meta answers in 100–500 ms; timeouts sit at 10 s. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * Creates metrics under the service's prefix in the default registry (the one `/metrics` serves).
 * A metric that already exists is returned as is, so several app instances in one process (tests)
 * share series instead of failing on re-registration.
 */
@Injectable()
export class MetricFactory {
  readonly prefix: string;

  constructor(@Inject(OBSERVABILITY_OPTIONS) options: ObservabilityOptions) {
    this.prefix = metricPrefixFor(options.serviceName);
  }

  counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return this.existing<Counter<L>>(name) ?? new Counter({ name: this.prefix + name, help, labelNames });
  }

  gauge<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
    return this.existing<Gauge<L>>(name) ?? new Gauge({ name: this.prefix + name, help, labelNames });
  }

  histogram<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Histogram<L> {
    return this.existing<Histogram<L>>(name) ?? new Histogram({ name: this.prefix + name, help, labelNames, buckets: LATENCY_BUCKETS });
  }

  private existing<T>(name: string): T | undefined {
    return register.getSingleMetric(this.prefix + name) as T | undefined;
  }
}
