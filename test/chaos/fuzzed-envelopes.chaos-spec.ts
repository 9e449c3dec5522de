import { BrokerProbe, createTestVhost, ObservedMessage, outboundEnvelope, TestVhost, waitUntil } from '@lib/testing';
import { ServiceProcess } from '../../apps/whatsapp-api-service/sandbox/service-process';
import { useEgressSandbox } from '../../apps/whatsapp-api-service/sandbox/use-egress-sandbox';
import { WHATSAPP_OUTBOUND_QUEUE } from '@lib/contracts';
import { recordScenario } from './support/chaos-report';
import { FuzzCase, fuzzedEnvelopes, POLLUTION_HOSTS, POLLUTION_SPELLINGS, withPollutionKey } from './support/fuzzed-envelopes.generator';
import { describeMemory, memoryOf, samplePeakMemory } from './support/fuzzed-envelopes.memory';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const TENANTS = [
  { tenantId: 'fuzz-a', phoneNumberId: '710000000000001', accessToken: 'EAAG-fuzz-a', messagesPerSecond: 1000 },
  { tenantId: 'fuzz-b', phoneNumberId: '710000000000002', accessToken: 'EAAG-fuzz-b', messagesPerSecond: 1000 },
];
const MESSAGE_MAX_BYTES = 262_144;
const MB = 1024 * 1024;
/**
 * V8 keeps the heap it grew during a burst and the allocator keeps its pages, so RSS does not fall back
 * to the idle baseline whatever the GC does, and when V8 collects is its own choice. So the replica runs
 * with its old space capped (as a container limit would): a leak across two waves cannot hide behind a
 * lazy GC, it ends the process. RSS must then stay within this of the idle baseline, and the second,
 * equal wave must not peak higher than the first by more than the RSS noise seen between waves.
 */
const OLD_SPACE_CAP_MB = 192;
const BASELINE_ALLOWANCE_BYTES = 128 * MB;
const WAVE_GROWTH_TOLERANCE_BYTES = 48 * MB;
/** Lines no run may log: crashes, defects, escaped errors. */
const UNHANDLED =
  /unhandled_rejection|uncaught|handler_crashed|delivery_defect|INTERNAL_ERROR|"level":"fatal"|Maximum call stack|TypeError|RangeError/;

describe('scenario 6: fuzzed envelopes (real RabbitMQ and Redis)', () => {
  const sandbox = useEgressSandbox('chaos-fuzz', { redisUrl: REDIS_URL }, TENANTS);
  let vhost: TestVhost;
  let replica: ServiceProcess;
  let probe: BrokerProbe;
  let deadLetters: ObservedMessage[];

  beforeAll(async () => {
    vhost = await createTestVhost('chaos-fuzz-replica');
    replica = await ServiceProcess.start({
      ...sandbox().env,
      RABBITMQ_URL: vhost.url,
      LOG_LEVEL: 'info',
      MESSAGE_MAX_BYTES: String(MESSAGE_MAX_BYTES),
      NODE_OPTIONS: `--max-old-space-size=${OLD_SPACE_CAP_MB}`,
    });
    probe = await BrokerProbe.connect(vhost.url);
    deadLetters = await probe.watch(WHATSAPP_OUTBOUND_QUEUE.deadLetterExchange, WHATSAPP_OUTBOUND_QUEUE.deadLetterRoutingKey);
  });

  afterAll(async () => {
    await replica?.stop();
    await probe?.close();
    await vhost?.dispose();
  });

  const publish = (target: BrokerProbe, fuzz: FuzzCase) =>
    target.publish(WHATSAPP_OUTBOUND_QUEUE.exchange, `outbound.processed.${fuzz.routingTenant}`, fuzz.body, {
      messageId: fuzz.id,
      contentType: fuzz.contentType,
      contentEncoding: fuzz.contentEncoding,
    });

  /** Publishes `cases` in confirmed batches and waits until each bad one is dead-lettered and each good one accepted by Meta. */
  async function runWave(cases: FuzzCase[], prefix: string): Promise<void> {
    const good = cases.filter((c) => c.expect.outcome === 'sent').length;
    const bad = new Set(cases.filter((c) => c.expect.outcome === 'dead-lettered').map((c) => c.id));
    for (let i = 0; i < cases.length; i += 100) await Promise.all(cases.slice(i, i + 100).map((fuzz) => publish(probe, fuzz)));
    await waitUntil(
      'every fuzzed message settled',
      () => acceptedWith(prefix).length >= good && deadLetters.filter((m) => bad.has(m.properties.messageId)).length >= bad.size,
      90_000,
    );
    await waitUntil('an empty work queue', async () => (await probe.messageCount(WHATSAPP_OUTBOUND_QUEUE.queue)) === 0, 10_000);
  }

  const acceptedWith = (prefix: string) =>
    sandbox()
      .meta.accepted()
      .filter((request) => String(request.body?.to).startsWith(prefix));
  const fuzz = (seed: number, size: number, prefix: string) =>
    fuzzedEnvelopes({ seed, bad: size, good: size, tenants: TENANTS, recipientPrefix: prefix, messageMaxBytes: MESSAGE_MAX_BYTES });

  it('dead-letters each of 2,000 bad inputs with its reason, sends each of 2,000 good ones once, and stays up within its memory', async () => {
    const prefix = '+4916660';
    const cases = fuzz(20261123, 2000, prefix);
    const bad = cases.filter((c) => c.expect.outcome === 'dead-lettered');
    const good = cases.filter((c) => c.expect.outcome === 'sent');

    const warmUp = Array.from({ length: 50 }, (_, i) => outboundEnvelope({ ...TENANTS[0], to: `+4916661${String(i).padStart(6, '0')}` }));
    for (const envelope of warmUp)
      await probe.publish(WHATSAPP_OUTBOUND_QUEUE.exchange, `outbound.processed.${TENANTS[0].tenantId}`, envelope);
    await waitUntil('the warm-up sent', () => acceptedWith('+4916661').length === 50, 30_000);
    const before = await memoryOf(replica.url);

    const sampler = samplePeakMemory(replica.url);
    await runWave(cases, prefix);
    const peak = await sampler.stop();
    const afterFirst = await memoryOf(replica.url);
    // A second, equal wave makes V8 collect the first one's garbage: a leak shows as growth, a lazy GC does not.
    const secondSampler = samplePeakMemory(replica.url);
    await runWave(fuzz(20261124, 2000, '+4916663'), '+4916663');
    const secondPeak = await secondSampler.stop();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const after = await memoryOf(replica.url);

    const dlById = new Map<string, ObservedMessage[]>();
    for (const message of deadLetters)
      dlById.set(message.properties.messageId, [...(dlById.get(message.properties.messageId) ?? []), message]);
    const acceptedTo = new Map<string, number>();
    for (const request of acceptedWith(prefix)) acceptedTo.set(request.body.to, (acceptedTo.get(request.body.to) ?? 0) + 1);
    const goodRecipients = new Set(good.map((c) => (c.expect as { to: string }).to));

    const misjudged = bad.flatMap((fuzz) => {
      const expected = fuzz.expect as { category: string; reason: RegExp };
      const copies = dlById.get(fuzz.id) ?? [];
      const headers = copies[0]?.headers ?? {};
      const ok =
        copies.length === 1 &&
        headers['x-error-category'] === expected.category &&
        expected.reason.test(String(headers['x-error-message'] ?? '')) &&
        copies[0].content.equals(fuzz.body);
      return ok
        ? []
        : [
            {
              id: fuzz.id,
              kind: fuzz.kind,
              copies: copies.length,
              category: headers['x-error-category'],
              reason: String(headers['x-error-message']).slice(0, 160),
            },
          ];
    });
    const goodNotSentOnce = good
      .filter((fuzz) => acceptedTo.get((fuzz.expect as { to: string }).to) !== 1 || dlById.has(fuzz.id))
      .map((fuzz) => fuzz.id);
    const sentBad = [...acceptedTo.keys()].filter((to) => !goodRecipients.has(to));
    const sent = good.filter((fuzz) => acceptedTo.has((fuzz.expect as { to: string }).to)).length;
    const duplicates = [...acceptedTo.values()].reduce((sum, n) => sum + n - 1, 0);
    const deadLettered = cases.filter((fuzz) => dlById.has(fuzz.id)).length;
    const kinds = [...new Set(bad.map((c) => c.kind))].length;
    recordScenario({
      scenario: '6 fuzzed envelopes (child process)',
      published: cases.length,
      sent,
      duplicates,
      deadLettered,
      lost: cases.filter((fuzz) => !dlById.has(fuzz.id) && !acceptedTo.has((fuzz.expect as { to?: string }).to ?? '')).length,
      notes:
        `${bad.length} bad of ${kinds} kinds, each DL'd with its expected reason: ${bad.length - misjudged.length}; no restart (old space capped at ${OLD_SPACE_CAP_MB} MB); ` +
        `before ${describeMemory(before)}, peak ${describeMemory(peak)}, after ${describeMemory(afterFirst)}; ` +
        `2nd wave of 4,000: peak ${describeMemory(secondPeak)}, after ${describeMemory(after)}`,
    });

    expect(misjudged).toEqual([]);
    expect(goodNotSentOnce).toEqual([]);
    expect(sentBad).toEqual([]);
    expect(duplicates).toBe(0);
    expect(replica.child.exitCode).toBeNull();
    expect(replica.child.signalCode).toBeNull();
    expect(
      replica
        .output()
        .split('\n')
        .filter((line) => UNHANDLED.test(line))
        .slice(0, 5),
    ).toEqual([]);
    expect(secondPeak.rss).toBeLessThanOrEqual(peak.rss + WAVE_GROWTH_TOLERANCE_BYTES);
    expect(after.rss).toBeLessThanOrEqual(before.rss + BASELINE_ALLOWANCE_BYTES);
  });

  it('never pollutes Object.prototype in the process that handles the pollution payloads', async () => {
    const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();
    const payloads = POLLUTION_SPELLINGS.flatMap(([, spelling]) =>
      POLLUTION_HOSTS.map((host) => {
        const envelope = outboundEnvelope({ ...TENANTS[0], to: `+4916662${Math.random().toString().slice(2, 10)}` });
        return { envelope, body: withPollutionKey(envelope, spelling, host) };
      }),
    );
    for (const { body } of payloads) await sandbox().publish(body, TENANTS[0].tenantId);
    await waitUntil(
      'every pollution payload dead-lettered',
      () => payloads.every(({ envelope }) => sandbox().deadLetterOf(envelope.metadata.internalId)),
      15_000,
    );

    for (const { envelope } of payloads) {
      expect(sandbox().deadLetterOf(envelope.metadata.internalId)!.headers['x-error-message']).toMatch(
        /forbidden "(__proto__|constructor|prototype)" key/,
      );
    }
    expect(sandbox().meta.requests.filter((request) => String(request.body?.to).startsWith('+4916662'))).toEqual([]);
    const probeObject = {} as Record<string, unknown>;
    expect([probeObject.polluted, probeObject.isAdmin]).toEqual([undefined, undefined]);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
    expect(Object.getPrototypeOf(probeObject)).toBe(Object.prototype);
  });
});
