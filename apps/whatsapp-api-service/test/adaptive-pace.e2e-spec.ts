import { outboundEnvelope, RecordedRequest, waitUntil } from '@lib/testing';
import { useEgressSandbox } from '../sandbox/use-egress-sandbox';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** The tenant record states Meta's default tier; Meta holds the number to the tier of a number shared with the Business app. */
const OVERSTATED = { tenantId: 'overstated', phoneNumberId: '410000000000001', accessToken: 'EAAG-overstated' };
const STATED_MPS = 80;
const REAL_MPS = 20;
const MESSAGES = 800;

/** The requests made within the `[from, to]` share (0–1) of the run, by when Meta received them. */
function partOfRun(requests: RecordedRequest[], from: number, to: number): RecordedRequest[] {
  const start = requests[0].receivedAt;
  const span = Math.max(1, requests[requests.length - 1].receivedAt - start);
  return requests.filter((r) => {
    const at = (r.receivedAt - start) / span;
    return at >= from && (at < to || to === 1);
  });
}

describe('adaptive pace for a number whose tenant record overstates its tier (real RabbitMQ and Redis)', () => {
  const sandbox = useEgressSandbox('wa-adaptive-pace', { redisUrl: REDIS_URL });

  beforeAll(() => {
    sandbox().tenants.addTenant({ ...OVERSTATED, messagesPerSecond: STATED_MPS });
    sandbox().meta.addPhoneNumber({
      phoneNumberId: OVERSTATED.phoneNumberId,
      accessTokens: [OVERSTATED.accessToken],
      messagesPerSecond: REAL_MPS,
    });
  });

  it('lowers the pace after 130429s until they stop, and sends every message once', async () => {
    const envelopes = Array.from({ length: MESSAGES }, (_, i) =>
      outboundEnvelope({ ...OVERSTATED, to: `+4918${String(i).padStart(9, '0')}` }),
    );
    for (const envelope of envelopes) await sandbox().publish(envelope);
    // One wait for all (a wait per message would re-read every event for each of them).
    await waitUntil('a status event for every message', () => sandbox().statusEvents.length >= MESSAGES, 150_000);
    const statuses = envelopes.map((e) => sandbox().statusOf(e.metadata.internalId));

    const calls = sandbox().meta.requests.filter((r) => r.phoneNumberId === OVERSTATED.phoneNumberId);
    const throttled = (requests: RecordedRequest[]) => requests.filter((r) => r.errorCode === 130429).length;
    const accepted = (requests: RecordedRequest[]) => requests.filter((r) => r.status === 200);
    const first = partOfRun(calls, 0, 0.25);
    const last = partOfRun(calls, 0.5, 1);
    const lastSent = accepted(last);
    const lastSeconds = (lastSent[lastSent.length - 1].receivedAt - lastSent[0].receivedAt) / 1000;

    // The overshoot is learned early: 130429s cluster in the first quarter of the run and all but vanish
    // in its second half, where the pace sits just under what Meta allows.
    expect(throttled(first)).toBeGreaterThan(0);
    expect(throttled(last)).toBeLessThanOrEqual(Math.max(4, throttled(first) / 10));
    expect(throttled(last) / last.length).toBeLessThan(0.02);
    expect(lastSent.length / lastSeconds / REAL_MPS).toBeGreaterThan(0.5);
    expect(statuses.filter((s) => s?.status !== 'sent')).toEqual([]);
    expect(sandbox().deadLetters).toHaveLength(0);
    expect(new Set(accepted(calls).map((r) => r.body.to)).size).toBe(MESSAGES);
    expect(accepted(calls)).toHaveLength(MESSAGES);
  }, 240_000);
});
