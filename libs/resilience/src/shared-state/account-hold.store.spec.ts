import { inProcessSharedState } from '@lib/testing';
import { AccountHoldStore } from './account-hold.store';

const T0 = 1_800_000_000_000;
const LOCKED = { code: 131031, reason: '(#131031) Account has been locked', probeIntervalMs: 60_000 };

/** The in-process store (no REDIS_URL); the Redis twin is covered by test/resilience/account-hold-store.e2e-spec.ts. */
describe(`${AccountHoldStore.name} in process`, () => {
  let store: AccountHoldStore;

  beforeEach(() => {
    const { options, connection } = inProcessSharedState();
    store = new AccountHoldStore(connection, options);
  });

  it('admits every message of a tenant without a hold', async () => {
    expect(await store.admit('acme', T0)).toEqual({ verdict: 'clear' });
  });

  it('starts a hold with its reason, and the first probe one interval later', async () => {
    const { hold, started } = await store.hold('acme', LOCKED, T0);
    expect(started).toBe(true);
    expect(hold).toEqual({
      tenantId: 'acme',
      code: 131031,
      reason: LOCKED.reason,
      since: T0,
      nextProbeAt: T0 + 60_000,
      probeIntervalMs: 60_000,
    });
    expect(await store.admit('acme', T0 + 1)).toEqual({ verdict: 'wait', hold, until: T0 + 60_000 });
    expect(await store.admit('globex', T0 + 1)).toEqual({ verdict: 'clear' });
  });

  it('extends a running hold without moving its start or its next probe', async () => {
    await store.hold('acme', LOCKED, T0);
    const { hold, started } = await store.hold('acme', { ...LOCKED, code: 368, reason: '(#368) Temporarily blocked' }, T0 + 10_000);
    expect(started).toBe(false);
    expect(hold).toMatchObject({ code: 368, reason: '(#368) Temporarily blocked', since: T0, nextProbeAt: T0 + 60_000 });
  });

  it('brings the next probe forward when a later refusal asks for a shorter interval', async () => {
    await store.hold('acme', LOCKED, T0);
    const { hold } = await store.hold('acme', { ...LOCKED, code: 131042, probeIntervalMs: 20_000 }, T0 + 10_000);
    expect(hold).toMatchObject({ code: 131042, nextProbeAt: T0 + 30_000, probeIntervalMs: 20_000 });
  });

  it('lets exactly one message probe once the interval is over; the others wait for its verdict, then for the next interval', async () => {
    await store.hold('acme', LOCKED, T0);
    const due = T0 + 60_000;
    const [first, second] = [await store.admit('acme', due), await store.admit('acme', due + 1)];
    expect(first).toMatchObject({ verdict: 'probe', hold: { nextProbeAt: due + 60_000, probeVerdictAt: due + 5_000 } });
    expect(second).toMatchObject({ verdict: 'wait', until: due + 5_000 });
    expect(await store.admit('acme', due + 5_000)).toMatchObject({ verdict: 'wait', until: due + 60_000 });
  });

  it('never waits for a verdict beyond the next probe', async () => {
    await store.hold('acme', { ...LOCKED, probeIntervalMs: 2_000 }, T0);
    await store.admit('acme', T0 + 2_000);
    expect(await store.admit('acme', T0 + 2_001)).toMatchObject({ verdict: 'wait', until: T0 + 4_000 });
  });

  it('lifts a hold and answers what it was', async () => {
    await store.hold('acme', LOCKED, T0);
    expect(await store.lift('acme')).toMatchObject({ tenantId: 'acme', code: 131031, since: T0 });
    expect(await store.lift('acme')).toBeUndefined();
    expect(await store.admit('acme', T0 + 1)).toEqual({ verdict: 'clear' });
  });

  it('lists the holds oldest first, at most `limit` of them, with the total', async () => {
    await store.hold('b', LOCKED, T0 + 1);
    await store.hold('a', LOCKED, T0 + 2);
    await store.hold('c', LOCKED, T0);
    expect(await store.list(2)).toEqual({
      total: 3,
      holds: [expect.objectContaining({ tenantId: 'c' }), expect.objectContaining({ tenantId: 'b' })],
    });
    expect(await store.get('a')).toMatchObject({ tenantId: 'a', since: T0 + 2 });
  });
});
