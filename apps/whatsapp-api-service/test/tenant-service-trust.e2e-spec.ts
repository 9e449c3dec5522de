import { outboundEnvelope, TenantServiceSimulator, waitUntil } from '@lib/testing';
import request from 'supertest';
import { useEgressSandbox } from '../sandbox/use-egress-sandbox';

const tenant = (name: string, phoneNumberId: string) => ({ tenantId: name, phoneNumberId, accessToken: `EAAG-${name}-token` });
const MOVER = tenant('mover', '300000000000001');
const STEADY = tenant('steady', '300000000000002');
const REDIRECTED = tenant('redirected', '300000000000003');

let recipientSeq = 0;
const recipient = () => `+49171${String(++recipientSeq).padStart(7, '0')}`;

describe('a tenant service that answers badly (real RabbitMQ, simulated Meta and tenant service)', () => {
  const sandbox = useEgressSandbox('wa-tenant-trust', { env: { RETRY_BASE_DELAY_MS: '100', RETRY_MAX_DELAY_MS: '400' } }, [
    MOVER,
    STEADY,
    REDIRECTED,
  ]);

  const callsTo = (to: string) => sandbox().meta.requests.filter((call) => call.body?.to === to);

  async function send(owner: { tenantId: string; phoneNumberId: string }) {
    const to = recipient();
    const envelope = outboundEnvelope({ ...owner, to });
    await sandbox().publish(envelope);
    return { envelope, to, status: () => sandbox().waitForStatus(envelope.metadata.internalId) };
  }

  describe('a malformed credentials record', () => {
    it.each([
      [
        'an expiresAt that is a number',
        { record: { expiresAt: 4102444800000 } },
        'expiresAt must be an ISO-8601 date-time string',
        '4102444800000',
      ],
      [
        'a non-numeric messagesPerSecond',
        { credentials: { rateLimits: { messagesPerSecond: 'unlimited-ish' } } },
        'credentials.rateLimits.messagesPerSecond must be a positive finite number',
        'unlimited-ish',
      ],
      ["another tenant's record", { record: { tenantId: 'someone-else' } }, 'tenantId is not the tenant asked for', 'someone-else'],
    ])('with %s is dead-lettered as ACCOUNT_ERROR naming the field, without a Meta call', async (_name, malformed, problem, value) => {
      const broken = { ...tenant(`broken-${recipientSeq}`, `30000000000${String(100 + recipientSeq)}`), malformed };
      sandbox().addTenant(broken);
      const { envelope, to, status } = await send(broken);
      const failed = await status();
      expect(failed).toMatchObject({ status: 'failed', attempts: 0, error: { category: 'ACCOUNT_ERROR' } });
      expect(failed.error.message).toBe(`tenant '${broken.tenantId}' has an unusable whatsapp credentials record: ${problem}`);
      const deadLetter = sandbox().deadLetterOf(envelope.metadata.internalId)!;
      expect(deadLetter.json()).toEqual(envelope);
      expect(deadLetter.headers).toMatchObject({ 'x-error-category': 'ACCOUNT_ERROR', 'x-attempts': 0, 'x-tenant-id': broken.tenantId });
      expect(deadLetter.headers['x-error-message']).toContain(problem);
      for (const text of [JSON.stringify(deadLetter.headers), JSON.stringify(failed)]) {
        expect(text).not.toContain(value);
        expect(text).not.toContain(broken.accessToken);
      }
      expect(callsTo(to)).toHaveLength(0);
    });

    it('is remembered for the negative-cache TTL: more messages of that tenant cost no request', async () => {
      const broken = { ...tenant('broken-cached', '300000000000200'), malformed: { record: { status: 'paused' } } };
      sandbox().addTenant(broken);
      await (await send(broken)).status();
      const before = sandbox().tenants.requestsFor(broken.tenantId);
      const more = await Promise.all(Array.from({ length: 5 }, () => send(broken)));
      for (const message of more) expect(await message.status()).toMatchObject({ status: 'failed', error: { category: 'ACCOUNT_ERROR' } });
      expect(sandbox().tenants.requestsFor(broken.tenantId)).toBe(before);
    });
  });

  it('asks the tenant service once for a flood of one unknown tenant', async () => {
    const flood = await Promise.all(Array.from({ length: 30 }, () => send({ tenantId: 'nobody-here', phoneNumberId: '300000000000999' })));
    for (const message of flood)
      expect(await message.status()).toMatchObject({ status: 'failed', error: { category: 'TENANT_NOT_FOUND' } });
    expect(sandbox().tenants.requestsFor('nobody-here')).toBe(1);
  });

  describe('a phone number that differs from the cached credentials', () => {
    it('refreshes the credentials once and sends when the tenant changed its number', async () => {
      await (await send(MOVER)).status();
      const moved = { ...MOVER, phoneNumberId: '300000000000011' };
      sandbox().meta.addPhoneNumber({ phoneNumberId: moved.phoneNumberId, accessTokens: [MOVER.accessToken] });
      sandbox().tenants.tenants.get(MOVER.tenantId)!.phoneNumberId = moved.phoneNumberId;
      const before = sandbox().tenants.requestsFor(MOVER.tenantId);

      const { to, status } = await send(moved);
      expect(await status()).toMatchObject({ status: 'sent', attempts: 1 });
      expect(callsTo(to).map((call) => call.phoneNumberId)).toEqual([moved.phoneNumberId]);
      expect(sandbox().tenants.requestsFor(MOVER.tenantId)).toBe(before + 1);
    });

    it('refuses a flood naming a number that is not the tenant’s with at most one refresh', async () => {
      await (await send(STEADY)).status();
      const before = sandbox().tenants.requestsFor(STEADY.tenantId);
      const flood = await Promise.all(Array.from({ length: 20 }, () => send({ ...STEADY, phoneNumberId: '399999999999999' })));
      for (const message of flood) {
        expect(await message.status()).toMatchObject({ status: 'failed', attempts: 0, error: { category: 'TENANT_MISMATCH' } });
        expect(callsTo(message.to)).toHaveLength(0);
      }
      expect(sandbox().tenants.requestsFor(STEADY.tenantId) - before).toBe(1);
    });
  });

  describe('a tenant service that redirects', () => {
    const elsewhere = new TenantServiceSimulator();

    beforeAll(async () => {
      await elsewhere.start();
      elsewhere.addTenant({ ...REDIRECTED });
    });
    afterAll(async () => {
      sandbox().tenants.mode = 'up';
      await elsewhere.stop();
    });

    it('is never followed: readiness says so, messages wait in the broker and go out once it serves again', async () => {
      sandbox().tenants.redirect = { status: 307, to: elsewhere.url };
      sandbox().tenants.mode = 'redirect';

      const ready = await request(sandbox().app.getHttpServer()).get('/health/ready').expect(200);
      expect(ready.body.info.tenantService).toMatchObject({ status: 'up', mode: 'degraded', reason: 'redirected', httpStatus: 307 });
      expect(JSON.stringify(ready.body)).not.toContain(elsewhere.url);

      const { envelope, to, status } = await send(REDIRECTED);
      await waitUntil('several deferrals', () => sandbox().tenants.requestsFor(REDIRECTED.tenantId) >= 6);
      expect(sandbox().statusOf(envelope.metadata.internalId)).toBeUndefined();
      expect(sandbox().deadLetterOf(envelope.metadata.internalId)).toBeUndefined();
      expect(elsewhere.totalRequests).toBe(0);

      sandbox().tenants.mode = 'up';
      expect(await status()).toMatchObject({ status: 'sent', attempts: 1 });
      expect(callsTo(to)).toHaveLength(1);
      expect(elsewhere.totalRequests).toBe(0);
    });
  });
});
