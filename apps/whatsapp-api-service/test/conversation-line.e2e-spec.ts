import { outboundEnvelope, RecordedRequest, WABA_PAYLOAD_SAMPLES } from '@lib/testing';
import { ServiceProcess } from '../sandbox/service-process';
import { useEgressSandbox } from '../sandbox/use-egress-sandbox';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const ACME = { tenantId: 'acme', phoneNumberId: '300000000000021', accessToken: 'EAAG-acme' };
const META_LATENCY_MS = 100;
const CONVERSATIONS = 3;
const MESSAGES_EACH = 8;

/** Messages of `tenant` Meta accepted from one process, from its metrics (every message type). */
async function sentFrom(replica: ServiceProcess, tenantId: string): Promise<number> {
  const text = await (await fetch(`${replica.url}/metrics`)).text();
  const series = new RegExp(`messages_sent_total\\{tenant="${tenantId}",type="[^"]+"\\} (\\d+)`, 'g');
  return [...text.matchAll(series)].reduce((sum, match) => sum + Number(match[1]), 0);
}

/** Gaps between a conversation's consecutive calls, as Meta received them. */
function gapsMs(calls: RecordedRequest[]): number[] {
  return calls.slice(1).map((call, i) => call.receivedAt - calls[i].receivedAt);
}

describe('one line per conversation across two replicas (real RabbitMQ and Redis)', () => {
  const sandbox = useEgressSandbox(
    'wa-conversation-line',
    { redisUrl: REDIS_URL, env: { EXPECTED_REPLICAS: '2', RETRY_BASE_DELAY_MS: '200', RETRY_MAX_DELAY_MS: '800' } },
    [ACME],
  );

  it('never has two messages of a conversation at Meta at once, whichever replica took them', async () => {
    sandbox().meta.latencyMs = META_LATENCY_MS;
    const replica = await ServiceProcess.start({ ...sandbox().env, LOG_LEVEL: 'warn' });
    try {
      const recipients = Array.from({ length: CONVERSATIONS }, (_, c) => `+491700000020${c}`);
      const envelopes = Array.from({ length: MESSAGES_EACH }, (_, i) =>
        recipients.map((to) =>
          outboundEnvelope({ ...ACME, to, wabaPayload: { ...WABA_PAYLOAD_SAMPLES.text(to), text: { body: `message ${i + 1}` } } }),
        ),
      ).flat();
      for (const envelope of envelopes) await sandbox().publish(envelope);
      const statuses = await Promise.all(envelopes.map((e) => sandbox().waitForStatus(e.metadata.internalId, 60_000)));

      expect(statuses.filter((s) => s.status !== 'sent')).toEqual([]);
      expect(sandbox().deadLetters).toHaveLength(0);
      const accepted = sandbox().meta.accepted();
      expect(accepted).toHaveLength(envelopes.length);
      // Both replicas sent part of every burst, so the line, not one replica's queue, kept them apart.
      expect(await sentFrom(replica, ACME.tenantId)).toBeGreaterThan(0);
      expect(await sentFrom(replica, ACME.tenantId)).toBeLessThan(envelopes.length);
      for (const to of recipients) {
        const calls = accepted.filter((r) => r.body.to === to);
        expect(calls).toHaveLength(MESSAGES_EACH);
        // A call arrives only after Meta answered the one before it (its latency; 2 ms for timer rounding).
        expect(Math.min(...gapsMs(calls))).toBeGreaterThanOrEqual(META_LATENCY_MS - 2);
      }
    } finally {
      sandbox().meta.latencyMs = 0;
      expect(await replica.stop()).toBe(0);
    }
  }, 120_000);
});
