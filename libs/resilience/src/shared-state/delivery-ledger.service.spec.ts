import { MetricFactory } from '@lib/observability';
import { register } from 'prom-client';
import { DeliveryLedger } from './delivery-ledger.service';
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
    eval: async (_script: string, _keys: number, key: string) => values.get(key) ?? 'claimed',
  };
  const connection = { withFallback: (viaRedis: (client: typeof redis) => Promise<unknown>) => viaRedis(redis) };
  return { values, ledger: new DeliveryLedger(connection as unknown as RedisConnection, options) };
}

describe(DeliveryLedger.name, () => {
  afterEach(() => register.clear());

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
    expect(await ledger.claim('acme', 'm-1')).toEqual({ outcome: 'claimed' });
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
