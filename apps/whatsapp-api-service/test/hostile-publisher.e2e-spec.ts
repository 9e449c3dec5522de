import { outboundEnvelope, waitUntil } from '@lib/testing';
import { useEgressSandbox } from '../sandbox/use-egress-sandbox';
import { WHATSAPP_OUTBOUND_QUEUE } from '@lib/contracts';

const tenant = (name: string, phoneNumberId: string) => ({ tenantId: name, phoneNumberId, accessToken: `EAAG-${name}-token` });
const ACME = tenant('acme', '100000000000021');
const VICTIM = tenant('victim', '100000000000022');
const FORTY_DAYS_MS = 40 * 24 * 60 * 60 * 1000;

let recipientSeq = 0;
const recipient = () => `+49171${String(++recipientSeq).padStart(7, '0')}`;

/** A publisher that may publish as `acme` only, trying to pass its own bookkeeping and tenant headers off as the service's. */
describe('whatsapp-api-service against a hostile publisher (real RabbitMQ)', () => {
  const sandbox = useEgressSandbox('wa-hostile', { env: { RETRY_BASE_DELAY_MS: '100', RETRY_MAX_DELAY_MS: '400' } }, [ACME, VICTIM]);

  const publishAs = (routedTenant: string, body: unknown, headers: Record<string, unknown>) =>
    sandbox().probe.publish(WHATSAPP_OUTBOUND_QUEUE.exchange, `outbound.processed.${routedTenant}`, body, { headers });
  const eventsOf = (internalId: string) => sandbox().statusEvents.filter((event) => event.json().internalId === internalId);

  it('ignores forged delivery state on a first delivery: a slot 40 days ahead, a future first-seen time, a spent budget', async () => {
    const forged = {
      'x-slot-at': Date.now() + FORTY_DAYS_MS,
      'x-first-seen-at': Date.now() + FORTY_DAYS_MS,
      'x-attempts': 99,
      'x-deferrals': 5,
    };
    const first = outboundEnvelope({ ...ACME, to: recipient() });
    const next = outboundEnvelope({ ...ACME, to: first.wabaPayload.to as string });
    await publishAs('acme', first, forged);
    await publishAs('acme', next, {});

    expect(await sandbox().waitForStatus(first.metadata.internalId)).toMatchObject({ status: 'sent', attempts: 1 });
    expect(await sandbox().waitForStatus(next.metadata.internalId)).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('refuses a message whose forged x-original-routing-key names another tenant, and tells only the publishing tenant', async () => {
    const envelope = outboundEnvelope({ ...VICTIM, to: recipient() });
    await publishAs('acme', envelope, { 'x-original-routing-key': 'outbound.processed.victim' });

    await waitUntil('the dead letter', () => sandbox().deadLetterOf(envelope.metadata.internalId) !== undefined);
    const deadLetter = sandbox().deadLetterOf(envelope.metadata.internalId)!;
    expect(deadLetter.headers).toMatchObject({ 'x-error-category': 'INVALID_ENVELOPE', 'x-tenant-id': 'acme' });
    expect(deadLetter.headers['x-original-routing-key']).toBe('outbound.processed.acme');
    await waitUntil('the failed status event', () => eventsOf(envelope.metadata.internalId).length > 0);
    expect(eventsOf(envelope.metadata.internalId).map((event) => event.routingKey)).toEqual(['outbound.status.acme']);
    expect(sandbox().meta.requests.filter((request) => request.body?.to === envelope.wabaPayload.to)).toEqual([]);
  });

  it("sends the failed status event of a routing key / body mismatch to the routing key's tenant, never to the body's", async () => {
    const envelope = outboundEnvelope({ ...VICTIM, to: recipient() });
    await publishAs('acme', envelope, {});

    await waitUntil('the failed status event', () => eventsOf(envelope.metadata.internalId).length > 0);
    const [event] = eventsOf(envelope.metadata.internalId);
    expect(event.routingKey).toBe('outbound.status.acme');
    expect(event.json()).toMatchObject({ status: 'failed', tenantId: 'acme', error: { category: 'INVALID_ENVELOPE' } });
  });

  it("never passes a publisher's x-tenant-id or x-error-* headers off as the service's on a dead letter", async () => {
    const envelope = outboundEnvelope({ ...ACME, wabaPayload: { messaging_product: 'whatsapp', to: recipient(), type: 'hologram' } });
    await publishAs('acme', envelope, {
      'x-tenant-id': 'victim',
      'x-error-code': 'forged-code',
      'x-error-trace-id': 'forged-trace',
      'x-error-subcode': 'forged-subcode',
      'x-failed-at': '2001-01-01T00:00:00.000Z',
      'x-upstream-trace': 'kept',
    });

    await waitUntil('the dead letter', () => sandbox().deadLetterOf(envelope.metadata.internalId) !== undefined);
    const { headers } = sandbox().deadLetterOf(envelope.metadata.internalId)!;
    expect(headers).toMatchObject({ 'x-error-category': 'INVALID_ENVELOPE', 'x-tenant-id': 'acme', 'x-upstream-trace': 'kept' });
    expect(headers['x-failed-at']).not.toBe('2001-01-01T00:00:00.000Z');
    for (const forged of ['x-error-code', 'x-error-trace-id', 'x-error-subcode']) expect(headers).not.toHaveProperty(forged);
  });
});
