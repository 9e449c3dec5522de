import { CallHandler, ExecutionContext } from '@nestjs/common';
import { MetricFactory, TenantLabel, VerifiedTenants } from '@lib/observability';
import { register } from 'prom-client';
import { from, lastValueFrom, of, throwError } from 'rxjs';
import { DeliveryError } from '../errors/delivery-error';
import { DeliveryErrorCategory as Category } from '../errors/delivery-error-category';
import { BreakerStateGauge } from '../policies/breaker-state.gauge';
import { TenantPolicyRegistry } from '../policies/tenant-policy.registry';
import { ResilienceOptions } from '../resilience.options';
import { TenantResilienceInterceptor } from './tenant-resilience.interceptor';

const observability = { serviceName: 'resilience-spec', version: '0', logLevel: 'silent' };

function setup(overrides: Partial<ResilienceOptions> = {}) {
  const options: ResilienceOptions = {
    failureThreshold: 2,
    halfOpenAfterMs: 60_000,
    maxInFlightPerTenant: 2,
    handlerTimeoutMs: 1_000,
    interceptorBreaker: 'per-tenant',
    tenantOf: (context) => context.getArgByIndex(0),
    ...overrides,
  };
  const verified = new VerifiedTenants(observability);
  const states = new BreakerStateGauge(new MetricFactory(observability));
  const registry = new TenantPolicyRegistry(options, states, new TenantLabel(observability, verified), verified);
  const interceptor = new TenantResilienceInterceptor(registry, options);
  const run = (tenant: string, handle: CallHandler['handle']) =>
    lastValueFrom(interceptor.intercept({ getArgByIndex: () => tenant } as unknown as ExecutionContext, { handle }));
  return { registry, verified, run };
}

const unhealthy = { kind: 'retry', error: new DeliveryError(Category.TRANSIENT, '5xx') };
const permanent = { kind: 'dead-letter', error: new DeliveryError(Category.INVALID_REQUEST, 'refused') };

/** A handling of `tenant` that holds one of its bulkhead slots until released; `done` is its outcome. */
function holdingASlot(run: ReturnType<typeof setup>['run'], tenant: string): { done: Promise<unknown>; release: () => void } {
  let resolve!: (outcome: unknown) => void;
  const done = run(tenant, () => from(new Promise((settle) => (resolve = settle))));
  return { done, release: () => resolve(permanent) };
}

describe(TenantResilienceInterceptor.name, () => {
  afterEach(() => register.clear());

  it('passes outcomes through unchanged, unhealthy ones included', async () => {
    const { run } = setup();
    await expect(run('a', () => of(permanent))).resolves.toBe(permanent);
    await expect(run('a', () => of(unhealthy))).resolves.toBe(unhealthy);
  });

  it("opens a tenant's breaker after the threshold and defers its messages without running them", async () => {
    const { run } = setup();
    await run('a', () => of(unhealthy));
    await run('a', () => of(unhealthy));
    const handle = jest.fn(() => of(permanent));
    await expect(run('a', handle)).rejects.toMatchObject({ category: Category.TENANT_CIRCUIT_OPEN, details: { minRetryDelayMs: 60_000 } });
    expect(handle).not.toHaveBeenCalled();
    await expect(run('b', () => of(permanent))).resolves.toBe(permanent);
  });

  it('does not count recipient-scoped, own-pace or permanent failures', async () => {
    const { run } = setup();
    const pairLimited = { error: new DeliveryError(Category.RATE_LIMITED, 'pair', { recipientScoped: true }) };
    const overPaced = { error: new DeliveryError(Category.RATE_LIMITED, 'throughput', { ownPace: true }) };
    for (let i = 0; i < 5; i += 1) {
      await run('a', () => of(pairLimited));
      await run('a', () => of(overPaced));
      await run('a', () => of(permanent));
    }
    await expect(run('a', () => of(permanent))).resolves.toBe(permanent);
  });

  it('refuses a message beyond the tenant bulkhead', async () => {
    const { run } = setup({ maxInFlightPerTenant: 1 });
    const slow = holdingASlot(run, 'a');
    await expect(run('a', () => of(permanent))).rejects.toMatchObject({ category: Category.TENANT_BUSY, details: { inTenantQueue: true } });
    await expect(run('b', () => of(permanent))).resolves.toBe(permanent);
    slow.release();
    await expect(slow.done).resolves.toBe(permanent);
  });

  it('lets a message beyond the bulkhead wait for a slot, and refuses the ones past the waiting room', async () => {
    const { run } = setup({ maxInFlightPerTenant: 1, maxWaitingPerTenant: 1 });
    const slow = holdingASlot(run, 'a');
    const handle = jest.fn(() => of(unhealthy));
    const waiting = run('a', handle);
    await expect(run('a', () => of(permanent))).rejects.toMatchObject({ category: Category.TENANT_BUSY });
    expect(handle).not.toHaveBeenCalled();
    slow.release();
    await expect(slow.done).resolves.toBe(permanent);
    await expect(waiting).resolves.toBe(unhealthy);
  });

  it('refuses a waiting message whose tenant frees no slot in time', async () => {
    const { run } = setup({ maxInFlightPerTenant: 1, maxWaitingPerTenant: 5 });
    const slow = holdingASlot(run, 'a');
    const handle = jest.fn(() => of(permanent));
    jest.useFakeTimers();
    try {
      const settled = jest.fn();
      const waiting = run('a', handle);
      waiting.catch(settled);
      await jest.advanceTimersByTimeAsync(200);
      expect(settled).not.toHaveBeenCalled();
      await jest.advanceTimersByTimeAsync(50);
      await expect(waiting).rejects.toMatchObject({ category: Category.TENANT_BUSY, details: { inTenantQueue: true } });
    } finally {
      jest.useRealTimers();
    }
    expect(handle).not.toHaveBeenCalled();
    slow.release();
    await slow.done;
  });

  it('defers a handling that exceeds its time limit', async () => {
    const { run } = setup({ handlerTimeoutMs: 20 });
    await expect(run('a', () => from(new Promise(() => undefined)))).rejects.toMatchObject({ category: Category.HANDLING_TIMEOUT });
  });

  it('lets other errors through as they are', async () => {
    const { run } = setup();
    const defect = new Error('defect');
    await expect(run('a', () => throwError(() => defect))).rejects.toBe(defect);
  });

  describe('configured without a breaker (the handler calls its own breakers)', () => {
    const withoutBreaker: Partial<ResilienceOptions> = { interceptorBreaker: 'none' };

    it('keeps handling a tenant whatever its outcomes, and passes them through', async () => {
      const { run } = setup(withoutBreaker);
      for (let i = 0; i < 5; i += 1) await expect(run('a', () => of(unhealthy))).resolves.toBe(unhealthy);
      const handle = jest.fn(() => of(permanent));
      await expect(run('a', handle)).resolves.toBe(permanent);
      expect(handle).toHaveBeenCalledTimes(1);
    });

    it('creates no tenant breaker and exports no tenant breaker state', async () => {
      const { run, registry } = setup(withoutBreaker);
      for (let i = 0; i < 3; i += 1) await run('a', () => of(unhealthy));
      expect(registry.for('a').breaker).toBeUndefined();
      expect((await register.getSingleMetric('resilience_spec_circuit_breaker_state')?.get())?.values).toEqual([]);
    });

    it('still refuses a message beyond the tenant bulkhead, and still times handling out', async () => {
      const { run } = setup({ ...withoutBreaker, maxInFlightPerTenant: 1, handlerTimeoutMs: 50 });
      const slow = holdingASlot(run, 'a');
      await expect(run('a', () => of(permanent))).rejects.toMatchObject({
        category: Category.TENANT_BUSY,
        details: { inTenantQueue: true },
      });
      slow.release();
      await expect(slow.done).resolves.toBe(permanent);
      await expect(run('b', () => from(new Promise(() => undefined)))).rejects.toMatchObject({ category: Category.HANDLING_TIMEOUT });
    });
  });

  it('keeps at most maxTenants verified tenants and maxUnverifiedTenants others', () => {
    const { registry, verified } = setup({ maxTenants: 3, maxUnverifiedTenants: 2 });
    for (const tenant of ['a', 'b', 'c', 'd', 'e']) verified.confirm(tenant);
    for (const tenant of ['a', 'b', 'c', 'd', 'e', 'x', 'y', 'z']) registry.for(tenant);
    expect(registry.size).toBe(5);
  });
});
