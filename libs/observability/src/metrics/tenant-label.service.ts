import { Inject, Injectable } from '@nestjs/common';
import { OBSERVABILITY_OPTIONS, ObservabilityOptions } from '../observability.options';
import { VerifiedTenants } from '../tenants/verified-tenants.service';

export const OTHER_TENANTS = 'other';
export const UNKNOWN_TENANT = 'unknown';

/**
 * Bounds the `tenant` label: the first `maxTenantLabels` verified tenants seen by this process keep
 * their id, every later one is reported as `other`; a tenant the tenant service has not confirmed
 * (yet) is `unknown`, so made-up ids never take a label from a real tenant. Series stay bounded per
 * replica whatever the tenant count.
 */
@Injectable()
export class TenantLabel {
  private readonly labelled = new Set<string>();
  private readonly max: number;

  constructor(
    @Inject(OBSERVABILITY_OPTIONS) options: ObservabilityOptions,
    private readonly verified: VerifiedTenants,
  ) {
    this.max = options.maxTenantLabels ?? 100;
  }

  for(tenantId: string | undefined): string {
    if (!tenantId) return UNKNOWN_TENANT;
    if (this.labelled.has(tenantId)) return tenantId;
    if (!this.verified.has(tenantId)) return UNKNOWN_TENANT;
    if (this.labelled.size >= this.max) return OTHER_TENANTS;
    this.labelled.add(tenantId);
    return tenantId;
  }
}
