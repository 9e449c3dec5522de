import { MetricFactory, TenantLabel } from '@lib/observability';
import { Counter, Histogram } from 'prom-client';
import { VendorHttpClientOptions } from './vendor-http.options';

const METRIC_NAME_PART = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const OWN_LABELS: readonly string[] = ['tenant', 'status_code'];

/**
 * `<prefix>_requests_total{tenant,status_code,…}` (status 0: no answer) and
 * `<prefix>_request_duration_seconds{tenant,…}` for one vendor, plus the client's extra labels.
 */
export class VendorHttpMetrics<L extends string = never> {
  private readonly requests: Counter<string>;
  private readonly duration: Histogram<string>;
  private readonly labelNames: readonly string[];

  constructor(
    options: Pick<VendorHttpClientOptions<L>, 'vendor' | 'metricPrefix' | 'labelNames'>,
    metrics: MetricFactory,
    private readonly tenants: TenantLabel,
  ) {
    this.labelNames = options.labelNames ?? [];
    checkNames(options.metricPrefix, this.labelNames);
    this.requests = metrics.counter(
      `${options.metricPrefix}_requests_total`,
      `${options.vendor} API calls, by HTTP status (0: no answer)`,
      [...OWN_LABELS, ...this.labelNames],
    );
    this.duration = metrics.histogram(`${options.metricPrefix}_request_duration_seconds`, `${options.vendor} API call latency`, [
      'tenant',
      ...this.labelNames,
    ]);
  }

  /**
   * Refuses, before the call is made, labels that are not exactly the client's `labelNames` with
   * string values: recording them after the answer would fail, and turn an answered call into an error.
   */
  assertLabels(labels: Readonly<Record<string, string>> | undefined): void {
    let given = 0;
    for (const name in labels) {
      if (!this.labelNames.includes(name)) throw new TypeError(`metric label '${name}' is not one of this client's labelNames`);
      if (typeof labels[name] !== 'string') throw new TypeError(`metric label '${name}' needs a string value`);
      given += 1;
    }
    if (given !== this.labelNames.length) throw new TypeError(`every call of this client needs the labels ${this.labelNames.join(', ')}`);
  }

  record(tenantId: string | undefined, statusCode: number, seconds: number, labels: Readonly<Record<string, string>> | undefined): void {
    const tenant = this.tenants.for(tenantId);
    if (labels === undefined) {
      this.requests.inc({ tenant, status_code: String(statusCode) });
      this.duration.observe({ tenant }, seconds);
    } else {
      this.requests.inc({ ...labels, tenant, status_code: String(statusCode) });
      this.duration.observe({ ...labels, tenant }, seconds);
    }
  }
}

function checkNames(metricPrefix: string, labelNames: readonly string[]): void {
  if (!METRIC_NAME_PART.test(metricPrefix)) throw new TypeError(`metricPrefix '${metricPrefix}' is not a valid metric name part`);
  for (const name of labelNames) {
    if (!METRIC_NAME_PART.test(name) || name.startsWith('__')) throw new TypeError(`label name '${name}' is not a valid metric label`);
    if (OWN_LABELS.includes(name)) throw new TypeError(`label name '${name}' is set by the client itself`);
  }
  if (new Set(labelNames).size !== labelNames.length) throw new TypeError('labelNames has a name twice');
}
