import { outboundEnvelope, RandomFaultMode, waitUntil } from '@lib/testing';
import { useEgressSandbox } from '../../apps/whatsapp-api-service/sandbox/use-egress-sandbox';
import { recordScenario } from './support/chaos-report';
import { FateCounts, messageFates, TrackedMessage } from './support/message-fates';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const TENANTS = [
  { tenantId: 'flaky-a', phoneNumberId: '700000000000001', accessToken: 'EAAG-flaky-a', messagesPerSecond: 1000 },
  { tenantId: 'flaky-b', phoneNumberId: '700000000000002', accessToken: 'EAAG-flaky-b', messagesPerSecond: 1000 },
];
const MAX_ATTEMPTS = 3;
// Long enough that a call the simulator does answer never times out, even with this process busy (a 300 ms
// timeout let 13 answered calls of a CI run time out and be sent again): here only unanswered calls time out.
const META_TIMEOUT_MS = 2000;
// Short waits so that a run with thousands of retries ends within a minute; the breaker stays on.
const SERVICE_ENV = {
  META_API_TIMEOUT_MS: String(META_TIMEOUT_MS),
  RETRY_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
  RETRY_BASE_DELAY_MS: '50',
  RETRY_MAX_DELAY_MS: '400',
  CB_HALF_OPEN_AFTER_MS: '500',
};

describe('scenario 5: Meta fails at random (real RabbitMQ and Redis)', () => {
  const sandbox = useEgressSandbox('chaos-meta-faults', { redisUrl: REDIS_URL, env: SERVICE_ENV }, TENANTS);
  afterEach(() => sandbox().meta.clearFaults());

  /** Publishes `count` text messages to distinct recipients under `prefix` and waits for each one's final status event. */
  async function runUnderFaults(
    prefix: string,
    count: number,
    faults: RandomFaultMode,
  ): Promise<{ messages: TrackedMessage[]; tally: FateCounts }> {
    sandbox().meta.injectRandomFaults(faults);
    const envelopes = Array.from({ length: count }, (_, i) =>
      outboundEnvelope({ ...TENANTS[i % 2], to: `${prefix}${String(i).padStart(6, '0')}` }),
    );
    for (const envelope of envelopes) await sandbox().publish(envelope);
    const ids = new Set(envelopes.map((e) => e.metadata.internalId));
    const finished = () =>
      new Set(
        sandbox()
          .statusEvents.map((event) => event.json().internalId)
          .filter((id) => ids.has(id)),
      ).size;
    await waitUntil(`a final status for all ${count} messages`, () => finished() === count, 80_000);
    const messages = envelopes.map((e) => ({ id: e.metadata.internalId, sendKey: e.wabaPayload.to as string }));
    const ownCalls = sandbox().meta.requests.filter((request) => String(request.body?.to).startsWith(prefix));
    return {
      messages,
      tally: messageFates(
        messages,
        ownCalls.filter((request) => request.status === 200),
        sandbox().deadLetters,
      ),
    };
  }

  function expectEveryDeadLetterExhaustedItsAttempts(tally: FateCounts): void {
    for (const fate of tally.fates.filter((f) => f.deadLetters.length > 0)) {
      expect(fate.deadLetters).toHaveLength(1);
      expect(fate.deadLetters[0].headers).toMatchObject({ 'x-error-category': 'RETRIES_EXHAUSTED', 'x-attempts': MAX_ATTEMPTS });
      expect(fate.deadLetters[0].headers['x-error-message']).toMatch(
        new RegExp(`^gave up after ${MAX_ATTEMPTS} Meta call\\(s\\); last error TRANSIENT: `),
      );
    }
  }

  function statusEventsPerMessage(messages: TrackedMessage[]): number[] {
    const ids = new Set(messages.map((m) => m.id));
    const counts = new Map<string, number>();
    for (const event of sandbox().statusEvents) {
      const id = event.json().internalId;
      if (ids.has(id)) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    return [...counts.values()];
  }

  function faultNotes(prefix: string): string {
    const calls = sandbox().meta.requests.filter((request) => String(request.body?.to).startsWith(prefix));
    const count = (fault: string) => calls.filter((request) => request.randomFault === fault).length;
    return `${calls.length} Meta calls: ${count('server-error')} 5xx, ${count('timeout')} unanswered, ${count('late-accept')} sent but answered late`;
  }

  it('(a) 20 % 5xx and 5 % unanswered calls: every message is sent exactly once or dead-lettered after its attempts', async () => {
    const prefix = '+4915550';
    const { messages, tally } = await runUnderFaults(prefix, 1000, { serverErrorRate: 0.2, timeoutRate: 0.05, seed: 5 });
    recordScenario({
      scenario: '5a Meta 20% 5xx + 5% timeouts (not sent)',
      published: tally.published,
      sent: tally.sent,
      duplicates: tally.duplicates,
      deadLettered: tally.deadLettered,
      lost: tally.lost,
      notes: `${faultNotes(prefix)}; every DL RETRIES_EXHAUSTED after ${MAX_ATTEMPTS} calls`,
    });

    expect(tally.lost).toBe(0);
    expect(tally.duplicates).toBe(0);
    expect(tally.sent + tally.deadLettered).toBe(tally.published);
    expect(tally.fates.filter((fate) => fate.acceptances.length > 0 && fate.deadLetters.length > 0)).toEqual([]);
    expect(tally.deadLettered).toBeGreaterThan(0);
    expectEveryDeadLetterExhaustedItsAttempts(tally);
    expect(statusEventsPerMessage(messages).every((n) => n === 1)).toBe(true);
  });

  it('(b) half the timeouts were sent by Meta: the only duplicates are those late sends, the documented limit', async () => {
    const prefix = '+4915551';
    const { messages, tally } = await runUnderFaults(prefix, 600, {
      serverErrorRate: 0.2,
      timeoutRate: 0.025,
      lateAcceptRate: 0.025,
      lateAnswerMs: META_TIMEOUT_MS * 3,
      seed: 6,
    });
    const lateSends = tally.fates.reduce((sum, fate) => sum + fate.acceptances.filter((a) => a.randomFault === 'late-accept').length, 0);
    const sentAndDeadLettered = tally.fates.filter((fate) => fate.acceptances.length > 0 && fate.deadLetters.length > 0).length;
    recordScenario({
      scenario: '5b Meta 20% 5xx + 5% timeouts (half sent)',
      published: tally.published,
      sent: tally.sent,
      duplicates: tally.duplicates,
      deadLettered: tally.deadLettered,
      lost: tally.lost,
      notes: `${faultNotes(prefix)}; duplicates = late sends retried (documented limit: no idempotency key); ${sentAndDeadLettered} sent late yet dead-lettered`,
    });

    expect(tally.lost).toBe(0);
    expectEveryDeadLetterExhaustedItsAttempts(tally);
    expect(statusEventsPerMessage(messages).every((n) => n === 1)).toBe(true);
    // A second send only ever follows a send whose answer came too late: the service never resends a message Meta answered.
    for (const fate of tally.fates) {
      const answeredInTime = fate.acceptances.filter((a) => a.randomFault !== 'late-accept');
      expect(answeredInTime.length).toBeLessThanOrEqual(1);
      if (answeredInTime.length === 1) expect(fate.deadLetters).toEqual([]);
    }
    expect(tally.duplicates).toBeLessThanOrEqual(lateSends);
  });
});
