import { inboundEnvelope, inboundReceipt, ObservedMessage, SimulatedGenesysClient } from '@lib/testing';
import { randomUUID } from 'node:crypto';
import { GenesysSandboxTenant, genesysTenant } from '../sandbox/genesys-sandbox';
import { useGenesysSandbox } from '../sandbox/use-genesys-sandbox';
import { callsOf } from './support/genesys-e2e';

type Envelope = ReturnType<typeof inboundEnvelope> | ReturnType<typeof inboundReceipt>;

/**
 * Answers a retry will not change (400, 403, 404 for an unknown integration) and the tenant's
 * configuration errors (refused client credentials, a region that is no Genesys environment, an
 * integration that is not the tenant's): dead-lettered after at most one Genesys call, the reason in
 * the headers, the body unchanged.
 */
describe('genesys-api-service: failures dead-lettered at once (real RabbitMQ, simulated Genesys)', () => {
  const sandbox = useGenesysSandbox('gen-dead-letters', { env: { RETRY_MAX_ATTEMPTS: '3', RETRY_BASE_DELAY_MS: '100' } });

  /** Registers the tenant with the tenant service, and with Genesys the client as `genesys` says (or not at all). */
  function register(tenant: GenesysSandboxTenant, genesys?: Partial<SimulatedGenesysClient>): GenesysSandboxTenant {
    const { tenantId, region, clientId, clientSecret, integrationId } = tenant;
    sandbox().tenants.addTenant({ tenantId, genesys: { region, clientId, clientSecret, integrationId } });
    if (genesys) sandbox().genesys.addClient({ region, clientId, clientSecret, integrations: [integrationId], ...genesys });
    return tenant;
  }

  async function deadLetterOf(envelope: Envelope): Promise<ObservedMessage> {
    await sandbox().publish(envelope);
    const deadLetter = await sandbox().waitForDeadLetter(envelope.metadata.whatsapp_message_id);
    expect(deadLetter.content.equals(Buffer.from(JSON.stringify(envelope)))).toBe(true);
    expect(deadLetter.headers).toMatchObject({
      'x-tenant-id': envelope.metadata.tenantId,
      'x-whatsapp-message-id': envelope.metadata.whatsapp_message_id,
    });
    expect(Date.parse(deadLetter.headers['x-failed-at'])).not.toBeNaN();
    expect(sandbox().correlationsOf(envelope.metadata.whatsapp_message_id)).toEqual([]);
    return deadLetter;
  }

  describe('Genesys refuses the call', () => {
    it('403: the OAuth client lacks conversation:message:receive → ACCOUNT_ERROR after one call', async () => {
      const tenant = register(genesysTenant('mypurecloud.de'), { permissions: ['conversation:message:view'] });
      const deadLetter = await deadLetterOf(inboundEnvelope({ tenantId: tenant.tenantId }));
      const [call, ...more] = callsOf(sandbox().genesys, tenant, 'message');
      expect(more).toEqual([]);
      expect(deadLetter.headers).toMatchObject({
        'x-error-category': 'ACCOUNT_ERROR',
        'x-error-code': 'missing.permissions',
        'x-error-status': '403',
        'x-genesys-context-id': call.correlationId,
        'x-attempts': 1,
      });
      expect(deadLetter.headers['x-error-message']).toContain('conversation:message:receive');
    });

    it('404: the tenant record names an integration Genesys does not know → ACCOUNT_ERROR after one call', async () => {
      const tenant = register(genesysTenant('mypurecloud.de'), { integrations: [randomUUID()] });
      const deadLetter = await deadLetterOf(inboundEnvelope({ tenantId: tenant.tenantId }));
      expect(callsOf(sandbox().genesys, tenant, 'message').map((call) => call.status)).toEqual([404]);
      expect(deadLetter.headers).toMatchObject({
        'x-error-category': 'ACCOUNT_ERROR',
        'x-error-code': 'not.found',
        'x-error-status': '404',
        'x-error-message': 'The requested open messaging integration was not found.',
        'x-attempts': 1,
      });
    });

    it('400: a receipt for a message Genesys never sent → INVALID_REQUEST after one call', async () => {
      const tenant = register(genesysTenant('mypurecloud.de'), {});
      const deadLetter = await deadLetterOf(inboundReceipt({ tenantId: tenant.tenantId, status: 'Delivered' }));
      const calls = callsOf(sandbox().genesys, tenant, 'receipt');
      expect(calls.map((call) => call.status)).toEqual([400]);
      expect(deadLetter.headers).toMatchObject({
        'x-error-category': 'INVALID_REQUEST',
        'x-error-code': 'bad.request',
        'x-error-status': '400',
        'x-error-message': 'id should reference an outbound message of this integration',
        'x-genesys-context-id': calls[0].correlationId,
        'x-attempts': 1,
      });
    });
  });

  describe('the tenant’s configuration is wrong', () => {
    it('invalid_client: the login refuses the client credentials → ACCOUNT_ERROR after one login, no API call', async () => {
      const tenant = register(genesysTenant('mypurecloud.jp'), { clientSecret: `rotated-${randomUUID()}` });
      const deadLetter = await deadLetterOf(inboundEnvelope({ tenantId: tenant.tenantId }));
      expect(callsOf(sandbox().genesys, tenant).map((call) => [call.endpoint, call.status])).toEqual([['token', 401]]);
      expect(deadLetter.headers).toMatchObject({
        'x-error-category': 'ACCOUNT_ERROR',
        'x-error-code': 'invalid_client',
        'x-error-status': '401',
        'x-attempts': 1,
      });
      expect(deadLetter.headers['x-error-message']).toMatch(/^Genesys login refused the client credentials of /);
    });

    it('a region that is no Genesys environment → ACCOUNT_ERROR, and the client secret goes nowhere', async () => {
      const tenant = genesysTenant('mypurecloud.ie');
      register(tenant);
      sandbox().tenants.tenants.get(tenant.tenantId)!.malformed = { credentials: { region: 'login.attacker.example' } };
      const before = sandbox().genesys.requests.length;
      const deadLetter = await deadLetterOf(inboundEnvelope({ tenantId: tenant.tenantId }));
      expect(sandbox().genesys.requests.slice(before)).toEqual([]);
      expect(deadLetter.headers).toMatchObject({ 'x-error-category': 'ACCOUNT_ERROR', 'x-attempts': 0 });
      expect(deadLetter.headers['x-error-message']).toContain('credentials.region must be a Genesys Cloud environment');
      expect(deadLetter.headers['x-error-message']).not.toContain('attacker');
    });

    it.each([
      [
        'a legacy message addressed to another integration',
        (tenantId: string) => inboundEnvelope({ tenantId, legacy: true, integrationId: randomUUID() }),
      ],
      ['a receipt naming another integration', (tenantId: string) => inboundReceipt({ tenantId, integrationId: randomUUID() })],
    ])('%s → TENANT_MISMATCH, never sent', async (_name, envelopeFor) => {
      const tenant = register(genesysTenant('mypurecloud.de'), {});
      const deadLetter = await deadLetterOf(envelopeFor(tenant.tenantId));
      expect(callsOf(sandbox().genesys, tenant).filter((call) => call.endpoint !== 'token')).toEqual([]);
      expect(deadLetter.headers).toMatchObject({ 'x-error-category': 'TENANT_MISMATCH', 'x-attempts': 0 });
      expect(deadLetter.headers['x-error-message']).toMatch(/^genesysPayload names integration [0-9a-f-]{36}, not the tenant's$/);
    });
  });
});
