import { MetricFactory } from '@lib/observability';
import { register } from 'prom-client';
import { DeliveryLedger, SentRecord } from './delivery-ledger.service';
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

  const records: [string, SentRecord][] = [
    ['a plain send', { wamid: 'wamid.HBgLMTY0NjcwNDM1OTUVAgARGBI1RjQyNUE3NEYxMzAzMzQ5MkEA', messageStatus: null, reason: null }],
    ['a mark-as-read', { wamid: null, messageStatus: null, reason: null }],
    ['a paused template', { wamid: 'wamid.paused', messageStatus: 'paused', reason: null }],
    ['a send Meta answered without an id', { wamid: null, messageStatus: null, reason: "Meta's 2xx answer carried no message id" }],
  ];

  it.each(records)('gives back %s as it was recorded, in process', async (_kind, sent) => {
    const ledger = new DeliveryLedger(
      new RedisConnection(options, new MetricFactory({ serviceName: 'ledger-spec', version: '0', logLevel: 'silent' })),
      options,
    );
    expect(await ledger.claim('acme', 'm-1')).toEqual({ outcome: 'claimed' });
    await ledger.markSent('acme', 'm-1', sent);
    expect(await ledger.claim('acme', 'm-1')).toEqual({ outcome: 'sent', ...sent });
  });

  it.each(records)('gives back %s as it was recorded, through Redis', async (_kind, sent) => {
    const { ledger } = storedInRedis();
    await ledger.markSent('acme', 'm-1', sent);
    expect(await ledger.claim('acme', 'm-1')).toEqual({ outcome: 'sent', ...sent });
  });

  it('keeps the common record as short as before, and reads records written by earlier versions', async () => {
    const { values, ledger } = storedInRedis();
    await ledger.markSent('acme', 'm-1', records[0][1]);
    expect(values.get('ledger-spec:msg:acme:m-1')).toBe(`sent:${records[0][1].wamid}`);
    values.set('ledger-spec:msg:acme:m-2', 'sent:');
    expect(await ledger.claim('acme', 'm-2')).toEqual({ outcome: 'sent', wamid: null, messageStatus: null, reason: null });
  });

  it('reports a sent record it cannot read as sent, never as claimable', async () => {
    const { values, ledger } = storedInRedis();
    values.set('ledger-spec:msg:acme:m-3', 'sent:{"wamid":');
    expect(await ledger.claim('acme', 'm-3')).toMatchObject({
      outcome: 'sent',
      wamid: null,
      reason: expect.stringMatching(/could not be read/),
    });
  });
});
