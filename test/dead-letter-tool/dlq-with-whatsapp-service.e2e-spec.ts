import { outboundEnvelope, waitUntil } from '@lib/testing';
import { useEgressSandbox } from '../../apps/whatsapp-api-service/sandbox/use-egress-sandbox';
import { WHATSAPP_OUTBOUND_QUEUE } from '@lib/contracts';
import { dlq, spawnDlq } from '../../apps/dlq-cli/test/run-dlq';

const ACME = { tenantId: 'acme', phoneNumberId: '100000000000001', accessToken: 'EAAG-acme-token' };
const GLOBEX = { tenantId: 'globex', phoneNumberId: '100000000000002', accessToken: 'EAAG-globex-token' };

/**
 * The tool on messages the real service dead-lettered: Meta (simulated) refuses some recipients,
 * fails one call after another for a third, and one message is not even JSON. Then the cause is
 * fixed and the tool replays them; each is delivered once, starting again from attempt 1.
 */
describe('dead-letter tool on the whatsapp-api-service (real broker, simulated Meta)', () => {
  const sandbox = useEgressSandbox(
    'dlq-service',
    { env: { RETRY_MAX_ATTEMPTS: '2', RETRY_BASE_DELAY_MS: '100', RETRY_MAX_DELAY_MS: '200' } },
    [ACME, GLOBEX],
  );
  const url = () => sandbox.vhost().url;
  const sentOf = (internalId: string) =>
    sandbox()
      .statusEvents.map((event) => event.json())
      .filter((event) => event.internalId === internalId && event.status === 'sent');
  const acceptedTo = (to: string) =>
    sandbox()
      .meta.accepted()
      .filter((request) => request.body?.to === to);

  const unavailable1 = outboundEnvelope({ ...ACME, to: '+491700000001' });
  const unavailable2 = outboundEnvelope({ ...ACME, to: '+491700000002' });
  const exhausted = outboundEnvelope({ ...ACME, to: '+491700000003' });
  const globex = outboundEnvelope({ ...GLOBEX, to: '+491700000004' });

  beforeAll(async () => {
    const meta = sandbox().meta;
    for (const to of ['+491700000001', '+491700000002', '+491700000004']) meta.inject('131026', { match: { to }, times: 1 });
    meta.inject('131000', { match: { to: '+491700000003' }, times: 2 });
    for (const envelope of [unavailable1, globex, unavailable2, exhausted]) await sandbox().publish(envelope);
    await sandbox().publish('this is not an envelope', ACME.tenantId);
    await waitUntil(
      'five dead letters in the queue',
      async () => (await sandbox().probe.messageCount(WHATSAPP_OUTBOUND_QUEUE.deadLetterQueue)) === 5,
      20_000,
    );
  });

  it('lists the counts by tenant and category (spawned process, --json)', async () => {
    const { result } = spawnDlq(['list', '--json'], { RABBITMQ_URL: url() });
    const { code, out } = await result;
    expect(code).toBe(0);
    const listing = JSON.parse(out);
    expect(listing).toMatchObject({ queue: 'outbound-failed', scanned: 5, matched: 5, byTenant: { acme: 4, globex: 1 } });
    expect(listing.counts).toEqual([
      { tenantId: 'acme', category: 'RECIPIENT_UNAVAILABLE', count: 2 },
      { tenantId: 'acme', category: 'INVALID_ENVELOPE', count: 1 },
      { tenantId: 'acme', category: 'RETRIES_EXHAUSTED', count: 1 },
      { tenantId: 'globex', category: 'RECIPIENT_UNAVAILABLE', count: 1 },
    ]);
    const exhaustedEntry = listing.entries.find((entry: any) => entry.messageId === exhausted.metadata.internalId);
    expect(exhaustedEntry).toMatchObject({
      attempts: 2,
      code: '131000',
      originalRoutingKey: 'outbound.processed.acme',
      headers: { 'x-error-category': 'RETRIES_EXHAUSTED', 'x-attempts': 2 },
    });
    const invalid = listing.entries.find((entry: any) => entry.category === 'INVALID_ENVELOPE');
    expect(invalid).toMatchObject({ tenantId: 'acme', problems: ['body is not JSON'] });
    expect(invalid.messageId).toBeUndefined();
    expect(await sandbox().probe.messageCount(WHATSAPP_OUTBOUND_QUEUE.deadLetterQueue)).toBe(5);
  });

  it('prints a table by default and filters it', async () => {
    const { code, out } = await dlq(['--url', url(), 'list', '--tenant', 'acme', '--category', 'recipient_unavailable']);
    expect(code).toBe(0);
    expect(out).toContain('outbound-failed: 5 messages, 2 matching');
    expect(out).toMatch(/acme\s+RECIPIENT_UNAVAILABLE\s+2/);
    expect(out).toContain(unavailable1.metadata.internalId);
    expect(out).not.toContain(globex.metadata.internalId);
  });

  it('shows one entry with its headers and pretty body', async () => {
    const { code, out } = await dlq(['--url', url(), 'show', exhausted.metadata.internalId]);
    expect(code).toBe(0);
    expect(out).toContain('x-error-category: "RETRIES_EXHAUSTED"');
    expect(out).toContain('x-attempts: 2');
    expect(out).toContain(`"internalId": "${exhausted.metadata.internalId}"`);
    expect((await dlq(['--url', url(), 'show', 'no-such-id'])).code).toBe(1);
  });

  it('asks before replaying; anything but yes changes nothing', async () => {
    const { code, out, err } = await dlq(['--url', url(), 'replay', '--tenant', 'globex'], 'n');
    expect(code).toBe(1);
    expect(err).toContain(globex.metadata.internalId);
    expect(out).toContain('not replayed: nothing was changed');
    expect(await sandbox().probe.messageCount(WHATSAPP_OUTBOUND_QUEUE.deadLetterQueue)).toBe(5);
  });

  it('changes nothing in a dry run', async () => {
    const { code, out } = await dlq(['--url', url(), 'replay', '--tenant', 'acme', '--dry-run']);
    expect(code).toBe(0);
    expect(out).toContain('dry run: would replay 4 of 5 messages');
    expect(await sandbox().probe.messageCount(WHATSAPP_OUTBOUND_QUEUE.deadLetterQueue)).toBe(5);
  });

  it("replays one tenant's messages once the cause is fixed; each is sent once, from attempt 1", async () => {
    sandbox().meta.clearFaults();
    const { code, out } = await dlq(['--url', url(), 'replay', '--tenant', 'acme', '--yes']);
    expect(code).toBe(0);
    expect(out).toContain('replayed 4 of 4 selected');
    for (const envelope of [unavailable1, unavailable2, exhausted]) {
      await waitUntil(`${envelope.metadata.internalId} sent`, () => sentOf(envelope.metadata.internalId).length > 0, 15_000);
      expect(sentOf(envelope.metadata.internalId)).toEqual([expect.objectContaining({ status: 'sent', attempts: 1 })]);
      expect(acceptedTo(envelope.wabaPayload.to as string)).toHaveLength(1);
    }
    // The invalid body is dead-lettered again, now carrying the replay in its headers; globex's stays.
    await waitUntil(
      'the invalid message back in the queue',
      async () => (await sandbox().probe.messageCount(WHATSAPP_OUTBOUND_QUEUE.deadLetterQueue)) === 2,
    );
    const { out: listed } = await dlq(['--url', url(), 'list', '--json']);
    const entries = JSON.parse(listed).entries;
    expect(entries.map((entry: any) => [entry.tenantId, entry.category, entry.replayCount])).toEqual([
      ['globex', 'RECIPIENT_UNAVAILABLE', 0],
      ['acme', 'INVALID_ENVELOPE', 1],
    ]);
    expect(entries[1].headers).toMatchObject({ 'x-replayed-from-category': 'INVALID_ENVELOPE', 'x-attempts': 0 });
  });
});
