import { outboundEnvelope, waitUntil, WABA_PAYLOAD_SAMPLES } from '@lib/testing';
import { useEgressSandbox } from '../sandbox/use-egress-sandbox';

const ACME = { tenantId: 'acme', phoneNumberId: '300000000000001', accessToken: 'EAAG-acme' };
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe.each([
  ['with Redis', REDIS_URL],
  ['in process (no REDIS_URL)', undefined],
])('never twice, in order (%s)', (_mode, redisUrl) => {
  const sandbox = useEgressSandbox('wa-exactly-once', { redisUrl, env: { RETRY_BASE_DELAY_MS: '200', RETRY_MAX_DELAY_MS: '800' } }, [ACME]);

  const acceptedTo = (to: string) =>
    sandbox()
      .meta.accepted()
      .filter((r) => r.body?.to === to);

  it('sends a message published three times only once, with one status event', async () => {
    const envelope = outboundEnvelope({ ...ACME, to: '+4917000000001' });
    for (let i = 0; i < 3; i += 1) await sandbox().publish(envelope);
    await sandbox().waitForStatus(envelope.metadata.internalId);
    await waitUntil('all three copies consumed', async () => (await sandbox().probe.messageCount('outbound-processed')) === 0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(acceptedTo('+4917000000001')).toHaveLength(1);
    expect(sandbox().statusEvents.filter((e) => e.json().internalId === envelope.metadata.internalId)).toHaveLength(1);
  });

  it('sends a redelivered copy of an already sent message only once', async () => {
    const envelope = outboundEnvelope({ ...ACME, to: '+4917000000002' });
    await sandbox().publish(envelope);
    await sandbox().waitForStatus(envelope.metadata.internalId);
    await sandbox().publish(envelope, undefined);
    await waitUntil('the copy consumed', async () => (await sandbox().probe.messageCount('outbound-processed')) === 0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(acceptedTo('+4917000000002')).toHaveLength(1);
  });

  it('processes normally a message whose earlier attempt failed before reaching Meta', async () => {
    const fresh = { tenantId: `fresh-${redisUrl ? 'r' : 'm'}`, phoneNumberId: '300000000000002', accessToken: 'EAAG-fresh' };
    sandbox().addTenant(fresh);
    const envelope = outboundEnvelope({ ...fresh, to: '+4917000000003' });
    sandbox().tenants.mode = 'unavailable';
    await sandbox().publish(envelope);
    await waitUntil('a deferral', () => sandbox().tenants.requestsFor(fresh.tenantId) >= 3);
    sandbox().tenants.mode = 'up';
    expect(await sandbox().waitForStatus(envelope.metadata.internalId)).toMatchObject({ status: 'sent', attempts: 1 });
    expect(acceptedTo('+4917000000003')).toHaveLength(1);
  });

  it('keeps a conversation in order when its third message fails once with a 5xx', async () => {
    const to = '+4917000000004';
    const messages = Array.from({ length: 10 }, (_, i) =>
      outboundEnvelope({ ...ACME, to, wabaPayload: { ...WABA_PAYLOAD_SAMPLES.text(to), text: { body: `message ${i + 1}` } } }),
    );
    // The first two are sent before the third is published, so the injected failure is the third's.
    for (const [index, envelope] of messages.entries()) {
      if (index === 2) sandbox().meta.inject('131000', { match: { to }, times: 1 });
      await sandbox().publish(envelope);
      if (index < 2) await sandbox().waitForStatus(envelope.metadata.internalId);
    }
    const statuses = await Promise.all(messages.map((e) => sandbox().waitForStatus(e.metadata.internalId, 20_000)));
    expect(statuses.every((s) => s.status === 'sent')).toBe(true);
    expect(statuses[2].attempts).toBe(2);
    expect(acceptedTo(to).map((r) => r.body.text.body)).toEqual(messages.map((_, i) => `message ${i + 1}`));
  });

  it('keeps a message published after a retry was sent behind the one that waited for it', async () => {
    const to = '+4917000000006';
    const [first, second, third] = [1, 2, 3].map((n) =>
      outboundEnvelope({ ...ACME, to, wabaPayload: { ...WABA_PAYLOAD_SAMPLES.text(to), text: { body: `message ${n}` } } }),
    );
    // The first fails once and waits 160-200 ms for its retry; the second, parked behind it halfway through that
    // wait, is still away when the retry is sent and the third arrives.
    sandbox().meta.inject('131000', { match: { to }, times: 1 });
    await sandbox().publish(first);
    await waitUntil('the first call refused', () => sandbox().meta.requests.some((r) => r.body?.to === to));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await sandbox().publish(second);
    await sandbox().waitForStatus(first.metadata.internalId, 20_000);
    await sandbox().publish(third);
    const statuses = await Promise.all([second, third].map((e) => sandbox().waitForStatus(e.metadata.internalId, 20_000)));
    expect(statuses.map((s) => s.status)).toEqual(['sent', 'sent']);
    expect(acceptedTo(to).map((r) => r.body.text.body)).toEqual(['message 1', 'message 2', 'message 3']);
  });

  it('lets other conversations pass while one waits for its retry', async () => {
    const slow = '+4917000000005';
    sandbox().meta.inject('131000', { match: { to: slow }, times: 1 });
    const held = outboundEnvelope({ ...ACME, to: slow });
    await sandbox().publish(held);
    const others = Array.from({ length: 5 }, (_, i) => outboundEnvelope({ ...ACME, to: `+49170000001${i}` }));
    for (const envelope of others) await sandbox().publish(envelope);
    await Promise.all(others.map((e) => sandbox().waitForStatus(e.metadata.internalId)));
    expect(sandbox().statusOf(held.metadata.internalId)?.status).not.toBe('sent');
    expect(await sandbox().waitForStatus(held.metadata.internalId)).toMatchObject({ status: 'sent', attempts: 2 });
  });
});
