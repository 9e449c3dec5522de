import { Inject, Injectable } from '@nestjs/common';
import { OBSERVABILITY_OPTIONS, ObservabilityOptions } from '../observability.options';

export const OTHER_TENANTS = 'other';
export const UNKNOWN_TENANT = 'unknown';

/**
 * Bounds the `tenant` label: the first `maxTenantLabels` tenants seen by this process keep their id,
 * every later one is reported as `other`. Series stay bounded per replica whatever the tenant count.
 */
@Injectable()
export class TenantLabel {
  private readonly labelled = new Set<string>();
  private readonly max: number;

  constructor(@Inject(OBSERVABILITY_OPTIONS) options: ObservabilityOptions) {
    this.max = options.maxTenantLabels ?? 100;
  }

  for(tenantId: string | undefined): string {
    if (!tenantId) return UNKNOWN_TENANT;
    if (this.labelled.has(tenantId)) return tenantId;
    if (this.labelled.size >= this.max) return OTHER_TENANTS;
    this.labelled.add(tenantId);
    return tenantId;
  }
}
