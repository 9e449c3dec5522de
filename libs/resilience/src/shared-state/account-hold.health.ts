import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { AccountHoldStore } from './account-hold.store';

/** Tenants listed in readiness; `tenantsOnHold` counts them all. */
const LISTED_HOLDS = 20;

/**
 * Never fails readiness: a tenant on hold concerns that tenant only, the others keep flowing. Lists
 * the oldest holds (tenant, error code, since, next probe) so operators see them.
 */
@Injectable()
export class AccountHoldHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly store: AccountHoldStore,
  ) {}

  async isHealthy(key = 'accountHolds'): Promise<HealthIndicatorResult> {
    const { total, holds } = await this.store.list(LISTED_HOLDS);
    return this.health.check(key).up({
      tenantsOnHold: total,
      holds: holds.map((hold) => ({
        tenantId: hold.tenantId,
        code: hold.code,
        since: new Date(hold.since).toISOString(),
        nextProbeAt: new Date(hold.nextProbeAt).toISOString(),
      })),
    });
  }
}
