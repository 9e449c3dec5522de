import { MetricFactory, TenantLabel, VerifiedTenants } from '@lib/observability';
import { CircuitState } from 'cockatiel';
import { register } from 'prom-client';
import { ResilienceOptions } from '../resilience.options';
import { BreakerStateGauge } from './breaker-state.gauge';
import { UnhealthyOutcome } from './tenant-health';
import { TenantPolicyRegistry } from './tenant-policy.registry';

const observability = { serviceName: 'registry-spec', version: '0', logLevel: 'silent' };
const options: ResilienceOptions = {
  failureThreshold: 2,
  halfOpenAfterMs: 60_000,
  maxInFlightPerTenant: 2,
  handlerTimeoutMs: 1_000,
  interceptorBreaker: 'per-tenant',
  tenantOf: () => undefined,
  maxTenants: 10,
  maxUnverifiedTenants: 100,
};

function setup() {
  const verified = new VerifiedTenants(observability);
  const states = new BreakerStateGauge(new MetricFactory(observability));
  const registry = new TenantPolicyRegistry(options, states, new TenantLabel(observability, verified), verified);
  return { verified, registry };
}

async function openBreakerOf(registry: TenantPolicyRegistry, tenantId: string): Promise<void> {
  const { policy } = registry.for(tenantId);
  for (let i = 0; i < options.failureThreshold; i += 1) {
    await policy.execute(() => Promise.reject(new UnhealthyOutcome({}))).catch(() => undefined);
  }
}

describe(TenantPolicyRegistry.name, () => {
  afterEach(() => register.clear());

  it("keeps a real tenant's open breaker open through a flood of 100,000 made-up tenant ids", async () => {
    const { verified, registry } = setup();
    verified.confirm('real');
    await openBreakerOf(registry, 'real');
    for (let i = 0; i < 100_000; i += 1) registry.for(`junk-${i}`);
    expect(registry.for('real').breaker?.state).toBe(CircuitState.Open);
    expect(registry.size).toBeLessThanOrEqual(options.maxTenants! + options.maxUnverifiedTenants!);
  });

  it("keeps a real tenant's bulkhead (its in-flight count) through the flood", async () => {
    const { verified, registry } = setup();
    verified.confirm('real');
    let finish!: () => void;
    const held = registry.for('real').bulkhead.execute(() => new Promise<void>((resolve) => (finish = resolve)));
    for (let i = 0; i < 10_000; i += 1) registry.for(`junk-${i}`);
    expect(registry.for('real').bulkhead.executionSlots).toBe(options.maxInFlightPerTenant - 1);
    finish();
    await held;
  });

  it('moves a tenant to the verified part once the tenant service confirmed it, with its state', async () => {
    const { verified, registry } = setup();
    await openBreakerOf(registry, 'newcomer');
    verified.confirm('newcomer');
    const promoted = registry.for('newcomer');
    for (let i = 0; i < 1_000; i += 1) registry.for(`junk-${i}`);
    expect(registry.for('newcomer')).toBe(promoted);
    expect(promoted.breaker?.state).toBe(CircuitState.Open);
  });
});
