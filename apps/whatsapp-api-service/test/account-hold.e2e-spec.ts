import { CircuitState } from 'cockatiel';
import { TenantPolicyRegistry } from '@lib/resilience';
import { outboundEnvelope, waitUntil, WABA_PAYLOAD_SAMPLES } from '@lib/testing';
import request from 'supertest';
import { useEgressSandbox } from '../sandbox/use-egress-sandbox';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PROBE_MS = 1500;
const DAY_MS = 24 * 60 * 60 * 1000;
const tenant = (name: string, phoneNumberId: string) => ({ tenantId: name, phoneNumberId, accessToken: `EAAG-${name}-token` });
const LOCKED = tenant('locked', '300000000000001');
const FLOWING = tenant('flowing', '300000000000002');
const BLOCKED = tenant('blocked', '300000000000003');
const MEDIA = tenant('media', '300000000000004');

let recipientSeq = 0;
const recipient = () => `+49176${String(++recipientSeq).padStart(7, '0')}`;

/**
 * A tenant whose WhatsApp Business account Meta refuses as a whole (locked, blocked) is paused: its
 * backlog waits in the broker instead of being dead-lettered, one message per ACCOUNT_HOLD_PROBE_MS
 * probes the account, other tenants flow, and the backlog follows once a probe gets through.
 */
describe('account holds (real RabbitMQ and Redis, simulated Meta)', () => {
  const sandbox = useEgressSandbox(
    'wa-account-hold',
    {
      redisUrl: REDIS_URL,
      env: { ACCOUNT_HOLD_PROBE_MS: String(PROBE_MS), CB_FAILURE_THRESHOLD: '2', RETRY_BASE_DELAY_MS: '100', RETRY_MAX_DELAY_MS: '400' },
    },
    [LOCKED, FLOWING, BLOCKED, MEDIA],
  );
  const callsOf = (owner: { phoneNumberId: string }) =>
    sandbox().meta.requests.filter((call) => call.phoneNumberId === owner.phoneNumberId);
  const eventsOf = (owner: { tenantId: string }) =>
    sandbox()
      .statusEvents.map((event) => event.json())
      .filter((event) => event.tenantId === owner.tenantId);
  const deadLettersOf = (owner: { tenantId: string }) =>
    sandbox().deadLetters.filter((entry) => entry.headers['x-tenant-id'] === owner.tenantId);
  const readiness = async () => (await request(sandbox().app.getHttpServer()).get('/health/ready').expect(200)).body;

  async function publish(owner: { tenantId: string; phoneNumberId: string }, wabaPayload?: Record<string, unknown>) {
    const envelope = outboundEnvelope({ ...owner, to: recipient(), ...(wabaPayload ? { wabaPayload } : {}) });
    await sandbox().publish(envelope);
    return envelope;
  }

  it('holds a locked tenant: no dead letters, one Meta call per probe interval, other tenants flow, then the backlog is sent once', async () => {
    sandbox().meta.inject('131031', { match: { phoneNumberId: LOCKED.phoneNumberId }, times: Infinity });
    const first = await publish(LOCKED);
    await waitUntil('the first refusal', () => callsOf(LOCKED).length === 1);
    await waitUntil('the hold to show in readiness', async () => (await readiness()).details.accountHolds?.tenantsOnHold === 1);
    expect((await readiness()).details.accountHolds).toMatchObject({
      status: 'up',
      tenantsOnHold: 1,
      holds: [{ tenantId: LOCKED.tenantId, code: 131031, since: expect.any(String) }],
    });

    const backlog = [first];
    for (let i = 0; i < 8; i += 1) backlog.push(await publish(LOCKED));
    const others = await Promise.all(Array.from({ length: 5 }, () => publish(FLOWING)));
    for (const envelope of others) {
      expect(await sandbox().waitForStatus(envelope.metadata.internalId)).toMatchObject({ status: 'sent', attempts: 1 });
    }

    await waitUntil('two more probes of the locked account', () => callsOf(LOCKED).length >= 3, 30_000);
    const probeTimes = callsOf(LOCKED).map((call) => call.receivedAt);
    for (let i = 1; i < probeTimes.length; i += 1) expect(probeTimes[i] - probeTimes[i - 1]).toBeGreaterThanOrEqual(PROBE_MS / 2);
    expect(callsOf(LOCKED).every((call) => call.errorCode === 131031)).toBe(true);
    expect(deadLettersOf(LOCKED)).toEqual([]);
    expect(eventsOf(LOCKED)).toEqual([]);

    sandbox().meta.clearFaults();
    for (const envelope of backlog) {
      expect(await sandbox().waitForStatus(envelope.metadata.internalId, 30_000)).toMatchObject({ status: 'sent', attempts: 1 });
    }
    const accepted = sandbox()
      .meta.accepted()
      .filter((call) => call.phoneNumberId === LOCKED.phoneNumberId);
    expect(accepted).toHaveLength(backlog.length);
    expect(new Set(accepted.map((call) => call.body.to)).size).toBe(backlog.length);
    expect(deadLettersOf(LOCKED)).toEqual([]);
    await waitUntil('the hold to be lifted in readiness', async () => (await readiness()).details.accountHolds.tenantsOnHold === 0);
  }, 90_000);

  it('dead-letters a message that outlives the 24 h bound behind a hold as expired, with the account reason', async () => {
    sandbox().meta.inject('368', { match: { phoneNumberId: BLOCKED.phoneNumberId }, times: Infinity });
    const starter = await publish(BLOCKED);
    await waitUntil('the first refusal', () => callsOf(BLOCKED).length === 1);

    const aged = outboundEnvelope({ ...BLOCKED, to: recipient() });
    await sandbox().publishAsReturning(aged, { 'x-first-seen-at': Date.now() - DAY_MS + 1000 });
    const failed = await sandbox().waitForStatus(aged.metadata.internalId, 20_000);
    expect(failed).toMatchObject({ status: 'failed', error: { category: 'MESSAGE_EXPIRED', code: 368 } });
    expect(failed.error.message).toContain('account');
    expect(failed.error.message).toContain('(#368) Temporarily blocked for policies violations');

    const deadLetter = sandbox().deadLetterOf(aged.metadata.internalId)!;
    expect(deadLetter.json()).toEqual(aged);
    expect(deadLetter.headers).toMatchObject({ 'x-error-category': 'MESSAGE_EXPIRED', 'x-error-code': '368' });
    expect(deadLetter.headers['x-error-message']).toContain('(#368) Temporarily blocked for policies violations');
    expect(sandbox().deadLetterOf(starter.metadata.internalId)).toBeUndefined();
    expect(sandbox().statusOf(starter.metadata.internalId)).toBeUndefined();
  }, 60_000);

  it("dead-letters a media upload error (131053) at once as the message's own fault and leaves the tenant's breaker closed", async () => {
    sandbox().meta.inject('131053', { match: { phoneNumberId: MEDIA.phoneNumberId }, times: Infinity });
    const images = await Promise.all(Array.from({ length: 3 }, () => publish(MEDIA, WABA_PAYLOAD_SAMPLES.image(recipient()))));
    for (const envelope of images) {
      expect(await sandbox().waitForStatus(envelope.metadata.internalId)).toMatchObject({
        status: 'failed',
        attempts: 1,
        error: { category: 'INVALID_REQUEST', code: 131053 },
      });
    }
    expect(callsOf(MEDIA)).toHaveLength(3);
    expect(sandbox().app.get(TenantPolicyRegistry).for(MEDIA.tenantId).breaker?.state).toBe(CircuitState.Closed);

    sandbox().meta.clearFaults();
    const next = await publish(MEDIA);
    expect(await sandbox().waitForStatus(next.metadata.internalId)).toMatchObject({ status: 'sent', attempts: 1 });
  });
});
