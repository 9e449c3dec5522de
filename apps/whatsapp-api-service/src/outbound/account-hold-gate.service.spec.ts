import { Logger } from '@nestjs/common';
import { DeliveryState } from '@lib/messaging';
import { AccountHoldMetrics, AccountHoldStore, DeliveryError, DeliveryErrorCategory as Category } from '@lib/resilience';
import { inProcessSharedState } from '@lib/testing';
import { WhatsappConfig } from '../config/whatsapp.config';
import { AccountHoldGate, MAX_HOLD_WAIT_MS } from './account-hold-gate.service';
import { WHATSAPP_OUTBOUND_QUEUE } from '@lib/contracts';
import { MetaCategory } from '../meta/meta-error-categories';

const HOUR = 3_600_000;
const locked = () =>
  new DeliveryError(Category.ACCOUNT_ERROR, '(#131031) Account has been locked', { code: 131031, accountHoldProbeMs: 6 * HOUR });
const fresh = (): DeliveryState => ({ attempts: 1, deferrals: 0, firstSeenAt: Date.now(), originalRoutingKey: 'outbound.processed.acme' });

describe(AccountHoldGate.name, () => {
  let store: AccountHoldStore;
  let transitions: string[];
  const gate = (probeMs?: number) =>
    new AccountHoldGate(
      store,
      { recordTransition: (_tenant: string, transition: string) => transitions.push(transition) } as unknown as AccountHoldMetrics,
      { accountHold: { probeMs } } as WhatsappConfig,
    );

  beforeEach(() => {
    const { options, connection } = inProcessSharedState();
    store = new AccountHoldStore(connection, options);
    transitions = [];
  });

  it("holds the tenant on an account refusal; the message waits in its tenant's queue for the next probe", async () => {
    const wait = await gate().refused('acme', locked(), fresh(), false);
    expect(wait.category).toBe(MetaCategory.ACCOUNT_ON_HOLD);
    expect(wait.details).toMatchObject({ code: 131031, inTenantQueue: true });
    expect(wait.details.minRetryDelayMs).toBeGreaterThan(MAX_HOLD_WAIT_MS - 1000);
    expect(wait.details.minRetryDelayMs).toBeLessThanOrEqual(MAX_HOLD_WAIT_MS);
    expect(transitions).toEqual(['started']);
    await expect(gate().admit('acme', fresh())).rejects.toMatchObject({ category: MetaCategory.ACCOUNT_ON_HOLD });
  });

  it("logs the hold's start with Meta's trace id under the neutral key", async () => {
    const warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const refusal = new DeliveryError(Category.ACCOUNT_ERROR, '(#131031) Account has been locked', {
      code: 131031,
      traceId: 'AbCdEfGhIjKlMnOpQrStUvW',
      accountHoldProbeMs: 6 * HOUR,
    });
    await gate().refused('acme', refusal, fresh(), false);
    expect(warnings).toHaveBeenCalledWith(
      expect.objectContaining({ event: 'account_hold_started', errorCode: 131031, traceId: 'AbCdEfGhIjKlMnOpQrStUvW' }),
    );
    expect(warnings.mock.calls[0][0]).not.toHaveProperty('fbtraceId');
    warnings.mockRestore();
  });

  it('probes at ACCOUNT_HOLD_PROBE_MS when it is set, whatever the code says', async () => {
    const wait = await gate(2000).refused('acme', locked(), fresh(), false);
    expect(wait.details.minRetryDelayMs).toBeLessThanOrEqual(2000);
    expect((await store.get('acme'))?.probeIntervalMs).toBe(2000);
  });

  it('never keeps a message waiting past its 24 h bound', async () => {
    const old = { ...fresh(), firstSeenAt: Date.now() - WHATSAPP_OUTBOUND_QUEUE.messageTtlMs + 5000 };
    const wait = await gate().refused('acme', locked(), old, false);
    expect(wait.details.minRetryDelayMs).toBeLessThanOrEqual(5001);
  });

  it('lets a successful probe lift the hold, and nothing else', async () => {
    await gate().refused('acme', locked(), fresh(), false);
    await gate().succeeded('acme', false);
    expect(await store.get('acme')).toBeDefined();
    await gate().succeeded('acme', true);
    expect(await store.get('acme')).toBeUndefined();
    expect(transitions).toEqual(['started', 'lifted']);
    expect(await gate().admit('acme', fresh())).toBe(false);
  });

  it('gives the account reason to a message that expires behind the hold', async () => {
    expect(await gate().holdBehind('acme')).toBeUndefined();
    await gate().refused('acme', locked(), fresh(), false);
    expect(await gate().holdBehind('acme')).toEqual({
      code: 131031,
      note: expect.stringContaining('(Meta error 131031: (#131031) Account has been locked)'),
    });
  });
});
