import { inboundEnvelope } from '@lib/testing';
import { GenesysSandboxTenant, genesysTenant } from '../sandbox/genesys-sandbox';
import { useGenesysSandbox } from '../sandbox/use-genesys-sandbox';
import { callsOf } from './support/genesys-e2e';

let customerSeq = 0;
const customer = () => `49170${String(++customerSeq).padStart(7, '0')}`;

/**
 * One OAuth token per tenant and region, fetched once however many messages need it at the same
 * moment; a token Genesys refuses (expired or revoked before its time) is dropped at the first 401,
 * one new token is fetched, and each refused message is sent once more with it.
 */
describe('genesys-api-service access tokens (real RabbitMQ, simulated Genesys login)', () => {
  const sandbox = useGenesysSandbox('gen-tokens', { env: { RABBITMQ_PREFETCH: '50' } });

  async function deliverMany(tenant: GenesysSandboxTenant, count: number) {
    const envelopes = Array.from({ length: count }, () => inboundEnvelope({ tenantId: tenant.tenantId, from: customer() }));
    await Promise.all(envelopes.map((envelope) => sandbox().publish(envelope)));
    return Promise.all(envelopes.map((envelope) => sandbox().waitForCorrelation(envelope.metadata.whatsapp_message_id)));
  }

  const bearerOf = (tenant: GenesysSandboxTenant) => callsOf(sandbox().genesys, tenant, 'message').at(-1)!.headers.authorization;

  it('logs in once for twenty messages that need the token at the same moment', async () => {
    const tenant = sandbox().addTenant(genesysTenant('mypurecloud.com'));
    const events = await deliverMany(tenant, 20);
    expect(events.every((event) => event.status === 'created')).toBe(true);
    expect(sandbox().genesys.tokenRequestsFor(tenant.clientId, tenant.region)).toBe(1);
    expect(new Set(callsOf(sandbox().genesys, tenant, 'message').map((call) => call.headers.authorization)).size).toBe(1);
  });

  it.each([
    ['expires before its time', (tenant: GenesysSandboxTenant) => sandbox().genesys.expireTokens({ clientId: tenant.clientId })],
    ['is revoked', (tenant: GenesysSandboxTenant) => sandbox().genesys.revokeToken(bearerOf(tenant)!.replace(/^Bearer /, ''))],
  ])('replaces a token that %s mid-run with one new login, and sends each refused message once more', async (_name, endToken) => {
    const tenant = sandbox().addTenant(genesysTenant('mypurecloud.de'));
    await deliverMany(tenant, 1);
    const oldToken = bearerOf(tenant);
    endToken(tenant);

    const events = await deliverMany(tenant, 10);
    expect(events.every((event) => event.status === 'created')).toBe(true);
    expect(sandbox().genesys.tokenRequestsFor(tenant.clientId, tenant.region)).toBe(2);
    const calls = callsOf(sandbox().genesys, tenant, 'message').slice(1);
    const refused = calls.filter((call) => call.status === 401);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(refused.every((call) => call.headers.authorization === oldToken && call.errorCode === 'bad.credentials')).toBe(true);
    const sent = calls.filter((call) => call.status === 200);
    expect(sent).toHaveLength(10);
    expect(calls).toHaveLength(sent.length + refused.length);
    expect(sent.every((call) => call.headers.authorization !== oldToken)).toBe(true);
    expect(sandbox().genesys.messagesFor(tenant.integrationId)).toHaveLength(11);
  });

  it('keeps the tokens of two tenants in two regions apart', async () => {
    const ie = sandbox().addTenant(genesysTenant('mypurecloud.ie'));
    const jp = sandbox().addTenant(genesysTenant('mypurecloud.jp'));
    await Promise.all([deliverMany(ie, 5), deliverMany(jp, 5)]);
    sandbox().genesys.expireTokens({ region: 'mypurecloud.jp' });
    await Promise.all([deliverMany(ie, 5), deliverMany(jp, 5)]);
    expect(sandbox().genesys.tokenRequestsFor(ie.clientId, 'mypurecloud.ie')).toBe(1);
    expect(sandbox().genesys.tokenRequestsFor(jp.clientId, 'mypurecloud.jp')).toBe(2);
    expect(callsOf(sandbox().genesys, ie, 'message').every((call) => call.status === 200)).toBe(true);
  });
});
