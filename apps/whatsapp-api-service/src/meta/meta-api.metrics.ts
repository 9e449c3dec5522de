import { Injectable } from '@nestjs/common';
import { MetricFactory, TenantLabel } from '@lib/observability';
import { Counter, Histogram } from 'prom-client';

@Injectable()
export class MetaApiMetrics {
  private readonly requests: Counter<'tenant' | 'status_code'>;
  private readonly duration: Histogram<'tenant'>;

  constructor(
    metrics: MetricFactory,
    private readonly tenants: TenantLabel,
  ) {
    this.requests = metrics.counter('meta_api_requests_total', 'Graph API calls, by HTTP status (0: no answer)', ['tenant', 'status_code']);
    this.duration = metrics.histogram('meta_api_request_duration_seconds', 'Graph API call latency', ['tenant']);
  }

  record(tenantId: string, statusCode: number, seconds: number): void {
    const tenant = this.tenants.for(tenantId);
    this.requests.inc({ tenant, status_code: String(statusCode) });
    this.duration.observe({ tenant }, seconds);
  }
}
