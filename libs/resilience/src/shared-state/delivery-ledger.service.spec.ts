import { MetricFactory } from '@lib/observability';
import { register } from 'prom-client';
import { ClaimResult, DeliveryLedger } from './delivery-ledger.service';
import { RedisConnection } from './redis-connection.service';
import { SharedStateOptions } from './shared-state.options';

const options: SharedStateOptions = {
  keyPrefix: 'ledger-spec:',
  expectedReplicas: 1,
  maxRateLimitWaitMs: 1000,
  staleClaimMs: 60_000,
};

/** What the ledger stores under each key, as Redis would hold it: only `set` and the claim script's answer matter here. */
function storedInRedis() {
  const values = new Map<string, string>();
  const redis = {
    set: async (key: string, value: string) => void values.set(key, value),
    evalsha: async (_sha: string, _keys: number, key: string) => values.get(key) ?? 'claimed',
  };
  const connection = {
    withFallback: (viaRedis: (client: typeof redis) => Promise<unknown>) => viaRedis(redis),
    onAvailable: () => undefined,
  };
  return { values, ledger: new DeliveryLedger(connection as unknown as RedisConnection, options) };
}

/** The ledger as a replica without Redis keeps it: in this process. */
function inProcess(overrides: Partial<SharedStateOptions> = {}): DeliveryLedger {
  const own = { ...options, ...overrides };
  return new DeliveryLedger(
    new RedisConnection(own, new MetricFactory({ serviceName: 'ledger-spec', version: '0', logLevel: 'silent' })),
    own,
  );
}

const claimedAt = (claim: ClaimResult): number => (claim.outcome === 'claimed' ? claim.claimedAt : NaN);

describe(DeliveryLedger.name, () => {
  afterEach(() => {
    jest.restoreAllMocks();
    register.clear();
  });

  describe('in process (no Redis)', () => {
    const T0 = 1_700_000_000_000;
    const at = (ms: number) => jest.spyOn(Date, 'now').mockReturnValue(T0 + ms);

    it('claims a message once: a second claim while it is handled answers in-progress, per tenant', async () => {
      const ledger = inProcess();
      expect(await ledger.claim('acme', 'm-1')).toMatchObject({ outcome: 'claimed' });
      expect(await ledger.claim('acme', 'm-1')).toEqual({ outcome: 'in-progress' });
      expect(await ledger.claim('globex', 'm-1')).toMatchObject({ outcome: 'claimed' });
    });

    it('lets a claim older than staleClaimMs be taken over (its consumer died before deciding), and only then', async () => {
      const ledger = inProcess();
      at(0);
      await ledger.claim('acme', 'm-1');
      at(options.staleClaimMs);
      expect(await ledger.claim('acme', 'm-1')).toEqual({ outcome: 'in-progress' });
      at(options.staleClaimMs + 1);
      expect(await ledger.claim('acme', 'm-1')).toMatchObject({ outcome: 'claimed' });
      expect(await ledger.claim('acme', 'm-1')).toEqual({ outcome: 'in-progress' });
    });

    it('never lets a sent message be claimed again, however old its record', async () => {
      const ledger = inProcess();
      at(0);
      await ledger.claim('acme', 'm-1');
      await ledger.markSent('acme', 'm-1', { wamid: 'wamid.1' });
      at(options.staleClaimMs * 10);
      expect(await ledger.claim('acme', 'm-1')).toEqual({ outcome: 'sent', receipt: { wamid: 'wamid.1' } });
    });

    it('gives up a claim on release, so a retry is handled normally; a release never erases a sent record', async () => {
      const ledger = inProcess();
      const first = await ledger.claim('acme', 'm-1');
      await ledger.release('acme', 'm-1', claimedAt(first));
      const second = await ledger.claim('acme', 'm-1');
      expect(second).toMatchObject({ outcome: 'claimed' });
      await ledger.markSent('acme', 'm-1', null);
      await ledger.release('acme', 'm-1', claimedAt(second));
      expect(await ledger.claim('acme', 'm-1')).toEqual({ outcome: 'sent', receipt: null });
    });

    it('leaves a claim another consumer took over when the stale one is given up', async () => {
      const ledger = inProcess();
      at(0);
      const stale = await ledger.claim('acme', 'm-1');
      at(options.staleClaimMs + 1);
      expect(await ledger.claim('acme', 'm-1')).toMatchObject({ outcome: 'claimed' });
      await ledger.release('acme', 'm-1', claimedAt(stale));
      expect(await ledger.claim('acme', 'm-1')).toEqual({ outcome: 'in-progress' });
    });
  });

  const receipts: [string, unknown][] = [
    ['a vendor message id and status', { wamid: 'wamid.HBgLMTY0NjcwNDM1OTUVAgARGBI1RjQyNUE3NEYxMzAzMzQ5MkEA', messageStatus: 'paused' }],
    ['a message id and a conversation id', { messageId: 'f2a5b9d6', conversationId: 'c6b1d3a0' }],
    ['no ids at all', null],
  ];

  it.each(receipts)('gives back a receipt with %s as it was recorded, in process', async (_kind, receipt) => {
    const ledger = new DeliveryLedger(
      new RedisConnection(options, new MetricFactory({ serviceName: 'ledger-spec', version: '0', logLevel: 'silent' })),
      options,
    );
    expect(await ledger.claim('acme', 'm-1')).toMatchObject({ outcome: 'claimed' });
    await ledger.markSent('acme', 'm-1', receipt);
    expect(await ledger.claim('acme', 'm-1')).toEqual({ outcome: 'sent', receipt });
  });

  it.each(receipts)('gives back a receipt with %s as it was recorded, through Redis', async (_kind, receipt) => {
    const { ledger } = storedInRedis();
    await ledger.markSent('acme', 'm-1', receipt);
    expect(await ledger.claim('acme', 'm-1')).toEqual({ outcome: 'sent', receipt });
  });

  it('reads a record an earlier version wrote (the bare vendor id) as its raw text, and never as claimable', async () => {
    const { values, ledger } = storedInRedis();
    values.set('ledger-spec:msg:acme:m-2', 'sent:wamid.HBgLMTY0');
    values.set('ledger-spec:msg:acme:m-3', 'sent:');
    values.set('ledger-spec:msg:acme:m-4', 'sent:{"wamid":');
    expect(await ledger.claim('acme', 'm-2')).toEqual({ outcome: 'sent', receipt: 'wamid.HBgLMTY0' });
    expect(await ledger.claim('acme', 'm-3')).toEqual({ outcome: 'sent', receipt: '' });
    expect(await ledger.claim('acme', 'm-4')).toEqual({ outcome: 'sent', receipt: '{"wamid":' });
  });
});
