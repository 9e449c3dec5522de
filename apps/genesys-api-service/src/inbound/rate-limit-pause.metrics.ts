import { Injectable } from '@nestjs/common';
import { MetricFactory, TenantLabel } from '@lib/observability';
import { Counter } from 'prom-client';

/**
 * `rate_limit_pauses_total{tenant}`: Genesys's 429s, each of which paused the tenant's sends on every
 * replica until `Retry-After`. Repeated pauses mean the tenant's own limit is above what its OAuth client gets.
 */
@Injectable()
export class RateLimitPauseMetrics {
  private readonly pauses: Counter<'tenant'>;

  constructor(
    metrics: MetricFactory,
    private readonly tenants: TenantLabel,
  ) {
    this.pauses = metrics.counter('rate_limit_pauses_total', "Genesys 429 answers, each pausing the tenant's sends until Retry-After", [
      'tenant',
    ]);
  }

  recordPause(tenantId: string): void {
    this.pauses.inc({ tenant: this.tenants.for(tenantId) });
  }
}
