import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { TenantServiceClient } from './tenant-service.client';
import { TenantServiceProblem } from './tenant-service.problem';

const CACHE_MS = 5000;

/**
 * Whether the tenant service answers, probed at most every 5 s however often readiness is asked.
 * Never fails readiness: cached tenants keep flowing and the others wait in the broker, so an outage
 * is reported as `degraded`, with how it fails (`reason`, `httpStatus` or `errorCode`) and never
 * with what the service answered.
 */
@Injectable()
export class TenantServiceHealthIndicator {
  private last?: { at: number; problem: Promise<TenantServiceProblem | undefined> };

  constructor(
    private readonly health: HealthIndicatorService,
    private readonly client: TenantServiceClient,
  ) {}

  async isHealthy(key = 'tenantService'): Promise<HealthIndicatorResult> {
    if (!this.last || Date.now() - this.last.at > CACHE_MS) this.last = { at: Date.now(), problem: this.client.probe() };
    const problem = await this.last.problem;
    const indicator = this.health.check(key);
    if (!problem) return indicator.up();
    const { note, ...how } = problem;
    return indicator.up({ mode: 'degraded', ...how, note: `${note}: only cached tenants are delivered` });
  }
}
