import { outboundEnvelope, waitUntil, WABA_PAYLOAD_SAMPLES } from '@lib/testing';
import { useEgressSandbox } from '../sandbox/use-egress-sandbox';

const tenant = (name: string, phoneNumberId: string) => ({ tenantId: name, phoneNumberId, accessToken: `EAAG-${name}-token` });
const ACME = tenant('acme', '100000000000001');
const GLOBEX = tenant('globex', '100000000000002');
const INITECH = tenant('initech', '100000000000003');
const UMBRELLA = tenant('umbrella', '100000000000004');

let recipientSeq = 0;
const recipient = () => `+49170${String(++recipientSeq).padStart(7, '0')}`;

describe('whatsapp-api-service outcomes (real RabbitMQ, simulated Meta and tenant service)', () => {
  // Most of ACME's calls here fail on purpose, which would open its breaker (more than half unhealthy): the
  // breaker has its own tests (tenant-isolation), these are about each outcome.
  const sandbox = useEgressSandbox(
    'wa-outcomes',
    {
      env: {
        RETRY_MAX_ATTEMPTS: '3',
        RETRY_BASE_DELAY_MS: '100',
        RETRY_MAX_DELAY_MS: '400',
        META_API_TIMEOUT_MS: '300',
        CB_FAILURE_THRESHOLD: '1000',
      },
    },
    [ACME, GLOBEX, INITECH, { ...tenant('suspended-co', '100000000000009'), status: 'suspended' }],
  );

  beforeAll(() => {
    sandbox().tenants.addTenant({ ...tenant('forbidden-co', '100000000000010'), status: 'suspended', forbidden: true });
  });

  const callsTo = (to: string) => sandbox().meta.requests.filter((request) => request.body?.to === to);

  async function send(owner: { tenantId: string; phoneNumberId: string }, to = recipient()) {
    const envelope = outboundEnvelope({ ...owner, to });
    await sandbox().publish(envelope);
    return { envelope, to, status: () => sandbox().waitForStatus(envelope.metadata.internalId) };
  }

  describe('retry later', () => {
    it('retries a Meta 5xx (131000) through the broker and then sends', async () => {
      const to = recipient();
      sandbox().meta.inject('131000', { match: { to } });
      const { status } = await send(ACME, to);
      expect(await status()).toMatchObject({ status: 'sent', attempts: 2 });
      expect(callsTo(to).map((call) => call.status)).toEqual([500, 200]);
    });

    it('treats throttling sent as HTTP 400 (130429) as retryable', async () => {
      const to = recipient();
      sandbox().meta.inject('130429', { match: { to } });
      const { status } = await send(ACME, to);
      expect(await status()).toMatchObject({ status: 'sent', attempts: 2 });
      expect(callsTo(to).map((call) => call.status)).toEqual([400, 200]);
    });

    it('retries a request that timed out', async () => {
      const to = recipient();
      sandbox().meta.inject('timeout', { match: { to } });
      const { status } = await send(ACME, to);
      expect(await status()).toMatchObject({ status: 'sent', attempts: 2 });
    });

    it('dead-letters after RETRY_MAX_ATTEMPTS Meta calls with the reason headers', async () => {
      const to = recipient();
      sandbox().meta.inject('131000', { match: { to }, times: 10 });
      const { envelope, status } = await send(ACME, to);
      const failed = await status();
      expect(failed).toMatchObject({
        status: 'failed',
        attempts: 3,
        error: { category: 'RETRIES_EXHAUSTED', code: 131000 },
      });
      expect(typeof failed.error.fbtraceId).toBe('string');
      expect(callsTo(to)).toHaveLength(3);
      sandbox().meta.clearFaults();

      const deadLetter = sandbox().deadLetterOf(envelope.metadata.internalId)!;
      expect(deadLetter.json()).toEqual(envelope);
      expect(deadLetter.headers).toMatchObject({
        'x-error-category': 'RETRIES_EXHAUSTED',
        'x-error-code': '131000',
        'x-attempts': 3,
        'x-tenant-id': ACME.tenantId,
        'x-internal-id': envelope.metadata.internalId,
        'x-original-routing-key': `outbound.processed.${ACME.tenantId}`,
      });
      expect(deadLetter.headers['x-error-message']).toContain('131000');
      expect(Date.parse(deadLetter.headers['x-failed-at'])).not.toBeNaN();
    });
  });

  describe('auth', () => {
    it('refreshes credentials once after a 401 / code 190 and sends with the new token', async () => {
      await (await send(GLOBEX)).status();
      const rotated = 'EAAG-globex-rotated';
      sandbox().meta.addPhoneNumber({ phoneNumberId: GLOBEX.phoneNumberId, accessTokens: [GLOBEX.accessToken, rotated] });
      sandbox().meta.revokeToken(GLOBEX.accessToken);
      sandbox().tenants.tenants.get(GLOBEX.tenantId)!.accessToken = rotated;
      const before = sandbox().tenants.requestsFor(GLOBEX.tenantId);

      const to = recipient();
      const { status } = await send(GLOBEX, to);
      expect(await status()).toMatchObject({ status: 'sent', attempts: 2 });
      expect(callsTo(to).map((call) => [call.status, call.headers.authorization])).toEqual([
        [401, `Bearer ${GLOBEX.accessToken}`],
        [200, `Bearer ${rotated}`],
      ]);
      expect(sandbox().tenants.requestsFor(GLOBEX.tenantId)).toBe(before + 1);
    });

    it('dead-letters a second auth failure as AUTH', async () => {
      const to = recipient();
      sandbox().meta.inject('190', { match: { to }, times: 2 });
      const { status } = await send(ACME, to);
      expect(await status()).toMatchObject({ status: 'failed', attempts: 2, error: { category: 'AUTH', code: 190, subcode: 463 } });
    });
  });

  describe('dead-lettered at once', () => {
    it.each([
      ['132001', 'TEMPLATE_ERROR', 132001],
      ['131047', 'WINDOW_EXPIRED', 131047],
      ['131026', 'RECIPIENT_UNAVAILABLE', 131026],
      ['100/33', 'ACCOUNT_ERROR', 100],
      ['130497', 'ACCOUNT_ERROR', 130497],
      ['131053', 'INVALID_REQUEST', 131053],
    ] as const)('Meta %s → %s after one call', async (fault, category, code) => {
      const to = recipient();
      sandbox().meta.inject(fault, { match: { to } });
      const { envelope, status } = await send(ACME, to);
      expect(await status()).toMatchObject({ status: 'failed', attempts: 1, error: { category, code } });
      expect(callsTo(to)).toHaveLength(1);
      expect(sandbox().deadLetterOf(envelope.metadata.internalId)!.headers['x-error-category']).toBe(category);
    });

    it.each([
      ['not JSON', Buffer.from('{"metadata": nope'), /not JSON/],
      ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), /not valid UTF-8/],
      ['a JSON array', Buffer.from('[1,2]'), /must be a JSON object/],
    ])('refuses a body that is %s', async (_name, body, reason) => {
      const before = sandbox().meta.requests.length;
      const beforeDead = sandbox().deadLetters.length;
      await sandbox().publish(body, ACME.tenantId);
      await waitUntil('the dead letter', () => sandbox().deadLetters.length > beforeDead);
      const deadLetter = sandbox().deadLetters[sandbox().deadLetters.length - 1];
      expect(deadLetter.content.equals(body)).toBe(true);
      expect(deadLetter.headers['x-error-category']).toBe('INVALID_ENVELOPE');
      expect(deadLetter.headers['x-error-message']).toMatch(reason);
      expect(sandbox().meta.requests.length).toBe(before);
    });

    it.each([
      ['a missing internalId', (e: any) => delete e.metadata.internalId, /metadata\.internalId/],
      [
        'an unknown type',
        (e: any) => (e.wabaPayload = { ...e.wabaPayload, type: 'hologram' }),
        /wabaPayload\.type 'hologram' is not one of/,
      ],
      ['a text without body', (e: any) => (e.wabaPayload.text = {}), /wabaPayload\.text\.body/],
      ['a wrong messaging_product', (e: any) => (e.wabaPayload.messaging_product = 'sms'), /messaging_product/],
      ['a tenant id with routing characters', (e: any) => (e.metadata.tenantId = 'acme.#'), /metadata\.tenantId/],
    ])('refuses an envelope with %s, with a failed status event', async (_name, spoil, reason) => {
      const envelope: any = outboundEnvelope({ ...ACME, internalId: `bad-${recipient()}` });
      spoil(envelope);
      const before = sandbox().meta.requests.length;
      const beforeDead = sandbox().deadLetters.length;
      await sandbox().publish(Buffer.from(JSON.stringify(envelope)), ACME.tenantId);
      await waitUntil('the dead letter', () => sandbox().deadLetters.length > beforeDead);
      const deadLetter = sandbox().deadLetters[sandbox().deadLetters.length - 1];
      expect(deadLetter.headers['x-error-category']).toBe('INVALID_ENVELOPE');
      expect(deadLetter.headers['x-error-message']).toMatch(reason);
      expect(sandbox().meta.requests.length).toBe(before);
    });

    it('refuses an oversized message without sending it', async () => {
      const envelope = outboundEnvelope({
        ...ACME,
        wabaPayload: { ...WABA_PAYLOAD_SAMPLES.text(recipient()), padding: 'x'.repeat(300_000) },
      });
      const beforeDead = sandbox().deadLetters.length;
      await sandbox().publish(envelope);
      await waitUntil('the dead letter', () => sandbox().deadLetters.length > beforeDead);
      expect(sandbox().deadLetters[sandbox().deadLetters.length - 1].headers['x-error-message']).toMatch(/above the 262144-byte limit/);
    });

    it('dead-letters an unknown tenant without calling Meta', async () => {
      const { envelope, to, status } = await send({ tenantId: 'nobody', phoneNumberId: '100000000000099' });
      expect(await status()).toMatchObject({ status: 'failed', attempts: 0, error: { category: 'TENANT_NOT_FOUND' } });
      expect(callsTo(to)).toHaveLength(0);
      expect(sandbox().deadLetterOf(envelope.metadata.internalId)!.headers['x-tenant-id']).toBe('nobody');
    });

    it.each([
      ['suspended-co', '100000000000009'],
      ['forbidden-co', '100000000000010'],
    ])('dead-letters the suspended tenant %s without calling Meta, and remembers the answer briefly', async (tenantId, phoneNumberId) => {
      const before = sandbox().tenants.requestsFor(tenantId);
      const first = await send({ tenantId, phoneNumberId });
      expect(await first.status()).toMatchObject({ status: 'failed', error: { category: 'TENANT_INACTIVE' } });
      const second = await send({ tenantId, phoneNumberId });
      expect(await second.status()).toMatchObject({ status: 'failed', error: { category: 'TENANT_INACTIVE' } });
      expect(sandbox().tenants.requestsFor(tenantId) - before).toBe(1);
      expect(callsTo(first.to)).toHaveLength(0);
    });

    it("refuses a message that names another tenant's phone number", async () => {
      const { to, status } = await send({ tenantId: ACME.tenantId, phoneNumberId: GLOBEX.phoneNumberId });
      expect(await status()).toMatchObject({ status: 'failed', attempts: 0, error: { category: 'TENANT_MISMATCH' } });
      expect(callsTo(to)).toHaveLength(0);
    });
  });

  describe('tenant service outage', () => {
    it('retries without spending Meta attempts while the tenant service is down, then sends', async () => {
      sandbox().tenants.mode = 'unavailable';
      const { envelope, to, status } = await send(INITECH);
      await waitUntil('several deferrals', () => sandbox().tenants.requestsFor(INITECH.tenantId) >= 6);
      expect(sandbox().statusOf(envelope.metadata.internalId)).toBeUndefined();
      sandbox().tenants.mode = 'up';
      expect(await status()).toMatchObject({ status: 'sent', attempts: 1 });
      expect(callsTo(to)).toHaveLength(1);
    });

    it('treats a reset connection to the tenant service the same way', async () => {
      sandbox().addTenant(UMBRELLA);
      sandbox().tenants.mode = 'unreachable';
      const { status } = await send(UMBRELLA);
      await waitUntil('a deferral', () => sandbox().tenants.requestsFor(UMBRELLA.tenantId) >= 3);
      sandbox().tenants.mode = 'up';
      expect(await status()).toMatchObject({ status: 'sent', attempts: 1 });
    });
  });

  it('leaves nothing behind in the work and wait queues', async () => {
    await waitUntil('empty queues', async () => (await sandbox().probe.messageCount('outbound-processed')) === 0);
    for (const tier of [100, 200, 400]) {
      expect(await sandbox().probe.messageCount(`outbound-processed.retry.${tier}ms`)).toBe(0);
    }
  });
});
