import { Test } from '@nestjs/testing';
import { ObservabilityModule, VerifiedTenants } from '@lib/observability';
import { register } from 'prom-client';
import { DeliveryError } from './errors/delivery-error';
import { DeliveryErrorCategory as Category } from './errors/delivery-error-category';
import { CircuitBreakers } from './policies/circuit-breakers';
import { executeCountingHealth } from './policies/health-breaker';
import { TenantPolicyRegistry } from './policies/tenant-policy.registry';
import { ResilienceAsyncOptions, ResilienceModule } from './resilience.module';
import { ResilienceOptions } from './resilience.options';

const observability = { serviceName: 'module-spec', version: '0', logLevel: 'silent' };
const unhealthy = { error: new DeliveryError(Category.TRANSIENT, '503') };

async function moduleWith(interceptorBreaker: ResilienceOptions['interceptorBreaker'], extra: Partial<ResilienceAsyncOptions> = {}) {
  const options: ResilienceOptions = {
    failureThreshold: 1,
    halfOpenAfterMs: 60_000,
    maxInFlightPerTenant: 2,
    handlerTimeoutMs: 1_000,
    interceptorBreaker,
    tenantOf: () => undefined,
  };
  const testing = await Test.createTestingModule({
    imports: [
      ObservabilityModule.forRootAsync({ useFactory: () => observability }),
      ResilienceModule.forRootAsync({ useFactory: () => options, ...extra }),
    ],
  }).compile();
  return testing.init();
}

async function stateSeries(): Promise<Record<string, string | number>[]> {
  const metric = await register.getSingleMetric('module_spec_circuit_breaker_state')?.get();
  return (metric?.values ?? []).map(({ labels, value }) => ({ ...labels, value }));
}

describe(ResilienceModule.name, () => {
  afterEach(() => register.clear());

  it('provides no CircuitBreakers unless keyed breakers are declared', async () => {
    const app = await moduleWith('per-tenant');
    expect(() => app.get(CircuitBreakers)).toThrow();
    await app.close();
  });

  it('exports the per-tenant breakers under `tenant` and keyed ones under their key kind, side by side', async () => {
    const app = await moduleWith('per-tenant', { keyedBreakers: { keyKind: 'region' } });
    app.get(VerifiedTenants).confirm('acme');
    const { policy, breaker } = app.get(TenantPolicyRegistry).for('acme');
    await executeCountingHealth(policy, async () => unhealthy, breaker);
    await app.get(CircuitBreakers).execute('mypurecloud.ie', async () => unhealthy);
    expect(await stateSeries()).toEqual([
      { tenant: 'acme', value: 2 },
      { region: 'mypurecloud.ie', value: 2 },
    ]);
    await app.close();
  });

  it('refuses a keyed breaker labelled like the per-tenant ones when the module is declared', () => {
    expect(() =>
      ResilienceModule.forRootAsync({ useFactory: () => ({}) as ResilienceOptions, keyedBreakers: { keyKind: 'tenant' } }),
    ).toThrow("keyKind 'tenant' is the interceptor's own breaker label");
  });
});
