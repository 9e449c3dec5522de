import { outboundEnvelope, waitUntil } from '@lib/testing';
import request from 'supertest';
import { useEgressSandbox } from '../sandbox/use-egress-sandbox';

const A = { tenantId: 'tenant-a', phoneNumberId: '200000000000001', accessToken: 'EAAG-a' };
const B = { tenantId: 'tenant-b', phoneNumberId: '200000000000002', accessToken: 'EAAG-b' };

describe('tenant isolation (real RabbitMQ)', () => {
  const sandbox = useEgressSandbox(
    'wa-isolation',
    { env: { CB_FAILURE_THRESHOLD: '3', CB_HALF_OPEN_AFTER_MS: '1500', RETRY_BASE_DELAY_MS: '100', RETRY_MAX_DELAY_MS: '800' } },
    [A, B],
  );

  const metaCallsOf = (tenant: typeof A) => sandbox().meta.requests.filter((r) => r.phoneNumberId === tenant.phoneNumberId);
  const breakerState = async (tenantId: string) => {
    const { text } = await request(sandbox().app.getHttpServer()).get('/metrics');
    const match = new RegExp(`circuit_breaker_state\\{tenant="${tenantId}"\\} (\\d)`).exec(text);
    return match ? Number(match[1]) : undefined;
  };

  it("opens only the failing tenant's breaker, keeps the other flowing, and delivers everything after recovery", async () => {
    sandbox().meta.inject('131000', { match: { phoneNumberId: A.phoneNumberId }, times: Infinity });
    const aMessages = Array.from({ length: 20 }, (_, i) => outboundEnvelope({ ...A, to: `+4916000000${String(i).padStart(2, '0')}` }));
    for (const envelope of aMessages) await sandbox().publish(envelope);

    await waitUntil("A's breaker to open", async () => (await breakerState(A.tenantId)) === 2);
    // Calls already past the breaker when it opened still complete; count from when they have.
    let settled = -1;
    await waitUntil("A's in-flight calls to finish", async () => {
      const now = metaCallsOf(A).length;
      const stable = now === settled;
      settled = now;
      await new Promise((resolve) => setTimeout(resolve, 200));
      return stable;
    });
    const callsWhenOpened = metaCallsOf(A).length;

    const bMessages = Array.from({ length: 20 }, (_, i) => outboundEnvelope({ ...B, to: `+4916100000${String(i).padStart(2, '0')}` }));
    for (const envelope of bMessages) await sandbox().publish(envelope);
    const bStatuses = await Promise.all(bMessages.map((e) => sandbox().waitForStatus(e.metadata.internalId)));
    expect(bStatuses.every((s) => s.status === 'sent' && s.attempts === 1)).toBe(true);

    // While open, A's messages wait in the broker: only half-open probes reach Meta.
    expect(metaCallsOf(A).length - callsWhenOpened).toBeLessThanOrEqual(3);
    expect(aMessages.some((e) => sandbox().statusOf(e.metadata.internalId))).toBe(false);

    sandbox().meta.clearFaults();
    const aStatuses = await Promise.all(aMessages.map((e) => sandbox().waitForStatus(e.metadata.internalId, 30_000)));
    expect(aStatuses.map((s) => s.status)).toEqual(aMessages.map(() => 'sent'));
    expect(sandbox().deadLetters.filter((d) => d.headers['x-tenant-id'] === A.tenantId)).toHaveLength(0);
    await waitUntil("A's breaker to close", async () => (await breakerState(A.tenantId)) === 0);
    expect(await breakerState(B.tenantId)).toBeUndefined();
  });

  it('does not count a recipient-scoped throttle (131056) or permanent errors against the tenant', async () => {
    const to = '+4916299999999';
    sandbox().meta.inject('131047', { match: { phoneNumberId: B.phoneNumberId }, times: 5 });
    const permanent = Array.from({ length: 5 }, () => outboundEnvelope({ ...B }));
    for (const envelope of permanent) await sandbox().publish(envelope);
    await Promise.all(permanent.map((e) => sandbox().waitForStatus(e.metadata.internalId)));
    sandbox().meta.inject('131056', { match: { to }, times: 4 });
    const envelope = outboundEnvelope({ ...B, to });
    await sandbox().publish(envelope);
    expect(await sandbox().waitForStatus(envelope.metadata.internalId)).toMatchObject({ status: 'sent', attempts: 5 });
    expect(await breakerState(B.tenantId)).toBeUndefined();
  });
});
