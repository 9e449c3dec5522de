import { HealthIndicatorService } from '@nestjs/terminus';
import { TenantServiceClient } from './tenant-service.client';
import { TenantServiceHealthIndicator } from './tenant-service.health';
import { TenantServiceProblem } from './tenant-service.problem';

function indicatorWith(problem: TenantServiceProblem | undefined) {
  const probe = jest.fn().mockResolvedValue(problem);
  const indicator = new TenantServiceHealthIndicator(new HealthIndicatorService(), { probe } as unknown as TenantServiceClient);
  return { indicator, probe };
}

describe(TenantServiceHealthIndicator.name, () => {
  it('reports the tenant service up while it serves', async () => {
    expect(await indicatorWith(undefined).indicator.isHealthy()).toEqual({ tenantService: { status: 'up' } });
  });

  it.each([
    [{ reason: 'error-status', httpStatus: 503, note: 'the tenant service answers HTTP 503' }],
    [{ reason: 'redirected', httpStatus: 308, note: 'the tenant service answers HTTP 308, a redirect, which is never followed' }],
    [{ reason: 'token-refused', httpStatus: 401, note: 'the tenant service refuses our service token (HTTP 401)' }],
    [{ reason: 'unreachable', errorCode: 'ECONNREFUSED', note: 'the tenant service is unreachable (ECONNREFUSED)' }],
  ] as TenantServiceProblem[][])('reports %j as degraded, saying how it fails', async (problem) => {
    const { note, ...how } = problem;
    expect(await indicatorWith(problem).indicator.isHealthy()).toEqual({
      tenantService: { status: 'up', mode: 'degraded', ...how, note: `${note}: only cached tenants are delivered` },
    });
  });

  it('probes once however often readiness is asked within a few seconds', async () => {
    const { indicator, probe } = indicatorWith(undefined);
    await Promise.all([indicator.isHealthy(), indicator.isHealthy(), indicator.isHealthy()]);
    expect(probe).toHaveBeenCalledTimes(1);
  });
});
