import { DeliveryError, DeliveryErrorCategory as Category } from '@lib/resilience';
import { deferredRetry } from './deferred-retry';

const backoff = { baseDelayMs: 1000, maxDelayMs: 60000 };
const contextFor = (tenantId?: string) => ({
  tenantId,
  messageType: 'text',
  state: { attempts: 2, deferrals: 0, firstSeenAt: 1, originalRoutingKey: `outbound.processed.${tenantId}` },
});

describe('deferredRetry', () => {
  it('counts a deferral, not an attempt', () => {
    const context = contextFor('acme');
    deferredRetry(context, new DeliveryError(Category.TENANT_SERVICE_UNAVAILABLE, 'down'), backoff);
    expect(context.state).toMatchObject({ attempts: 2, deferrals: 1 });
  });

  it("waits for a reserved slot in the tenant's own queue", () => {
    const slotAt = Date.now() + 5000;
    const outcome = deferredRetry(
      contextFor('acme'),
      new DeliveryError(Category.THROTTLED, 'limit', { slotAt, inTenantQueue: true }),
      backoff,
    );
    expect(outcome).toMatchObject({ kind: 'retry', inTenantQueue: true, delay: { tierMs: 0 } });
    expect(outcome.kind === 'retry' && outcome.delay.delayMs).toBeGreaterThan(4900);
  });

  it("waits the refusal's minimum in the tenant's own queue when it names no slot", () => {
    const error = new DeliveryError(Category.TENANT_BUSY, 'busy', { minRetryDelayMs: 1000, inTenantQueue: true });
    expect(deferredRetry(contextFor('acme'), error, backoff)).toMatchObject({ inTenantQueue: true, delay: { tierMs: 0, delayMs: 1000 } });
  });

  it('uses the tier queues for a tenant id that cannot name a queue', () => {
    const error = new DeliveryError(Category.TENANT_BUSY, 'busy', { minRetryDelayMs: 1000, inTenantQueue: true });
    const outcome = deferredRetry(contextFor('acme.#'), error, backoff);
    expect(outcome).toMatchObject({ kind: 'retry', delay: { tierMs: 1000 } });
    expect(outcome).not.toHaveProperty('inTenantQueue');
  });

  it('backs off with the deferrals when the refusal names no wait', () => {
    const context = contextFor('acme');
    context.state.deferrals = 3;
    expect(deferredRetry(context, new DeliveryError(Category.TENANT_SERVICE_UNAVAILABLE, 'down'), backoff)).toMatchObject({
      delay: { tierMs: 8000 },
    });
  });
});
