import { TenantServiceSimulator } from './tenant-service.simulator';

const GENESYS = {
  region: 'mypurecloud.de' as const,
  clientId: 'client-acme',
  clientSecret: 'secret-acme',
  integrationId: 'integration-acme',
};

describe(TenantServiceSimulator.name, () => {
  const simulator = new TenantServiceSimulator('svc-token');

  beforeAll(async () => {
    await simulator.start();
    simulator.addTenant({ tenantId: 'wa-only', phoneNumberId: '1065', accessToken: 'EAAG-wa' });
    simulator.addTenant({ tenantId: 'both', phoneNumberId: '1066', accessToken: 'EAAG-both', genesys: GENESYS });
    simulator.addTenant({ tenantId: 'gc-only', genesys: { ...GENESYS, rateLimits: { requestsPerMinute: 120, burstSize: 10 } } });
    simulator.addTenant({ tenantId: 'gc-suspended', status: 'suspended', forbidden: true, genesys: GENESYS });
  });
  afterAll(() => simulator.stop());
  afterEach(() => {
    simulator.mode = 'up';
  });

  const get = async (tenantId: string, type: string | undefined, token = 'svc-token') => {
    const query = type === undefined ? '' : `?type=${type}`;
    const response = await fetch(`${simulator.url}/api/v1/tenants/${tenantId}/credentials${query}`, {
      headers: { authorization: `Bearer ${token}` },
      redirect: 'manual',
    });
    return { status: response.status, headers: response.headers, body: await response.json() };
  };

  it('answers WhatsApp credentials as before', async () => {
    const { status, body } = await get('wa-only', 'whatsapp');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      tenantId: 'wa-only',
      credentialType: 'whatsapp',
      credentials: {
        systemUserAccessToken: 'EAAG-wa',
        phoneNumberId: '1065',
        businessAccountId: 'waba-wa-only',
        rateLimits: { messagesPerSecond: 80, messagesPerDay: 100_000 },
      },
      status: 'active',
    });
    expect(typeof body.lastValidated).toBe('string');
  });

  it('answers Genesys credentials for type=genesys', async () => {
    const { status, body } = await get('both', 'genesys');
    expect(status).toBe(200);
    expect(body).toEqual({
      tenantId: 'both',
      credentialType: 'genesys',
      credentials: GENESYS,
      status: 'active',
      lastValidated: expect.any(String),
    });
  });

  it('answers a tenant with both kinds with the kind asked for', async () => {
    expect((await get('both', 'whatsapp')).body.credentials).toMatchObject({ phoneNumberId: '1066', systemUserAccessToken: 'EAAG-both' });
    expect((await get('both', 'genesys')).body.credentials).toEqual(GENESYS);
  });

  it('includes the Genesys rate limits when the tenant has them', async () => {
    const { body } = await get('gc-only', 'genesys');
    expect(body.credentials).toEqual({ ...GENESYS, rateLimits: { requestsPerMinute: 120, burstSize: 10 } });
  });

  it.each([
    ['wa-only', 'genesys'],
    ['gc-only', 'whatsapp'],
  ])('answers 404 when tenant %s has no %s credentials', async (tenantId, type) => {
    const { status, body } = await get(tenantId, type);
    expect(status).toBe(404);
    expect(body).toEqual({ statusCode: 404, message: `Tenant ${tenantId} has no ${type} credentials`, error: 'Not Found' });
  });

  it.each([['sms'], ['']])('refuses type=%p with a 400 naming the known types', async (type) => {
    const { status, body } = await get('both', type);
    expect(status).toBe(400);
    expect(body.message).toBe('type must be one of the following values: whatsapp, genesys');
  });

  it('refuses a request without a type', async () => {
    expect((await get('both', undefined)).status).toBe(400);
  });

  it('answers 403 for a forbidden Genesys-only tenant, as for a WhatsApp one', async () => {
    const { status, body } = await get('gc-suspended', 'genesys');
    expect(status).toBe(403);
    expect(body.message).toBe('Tenant gc-suspended is suspended');
  });

  it('checks the service token before anything else', async () => {
    expect((await get('both', 'genesys', 'wrong')).status).toBe(401);
  });

  it('breaks the record of a malformed tenant for every type', async () => {
    simulator.addTenant({ tenantId: 'broken', genesys: GENESYS, malformed: { credentials: { clientSecret: undefined, region: 7 } } });
    const { body } = await get('broken', 'genesys');
    expect(body.credentials).toEqual({ region: 7, clientId: 'client-acme', integrationId: 'integration-acme' });
  });

  it('keeps the unavailable and redirect modes for Genesys credentials', async () => {
    simulator.mode = 'unavailable';
    expect((await get('both', 'genesys')).status).toBe(503);
    simulator.mode = 'redirect';
    const redirected = await get('both', 'genesys');
    expect(redirected.status).toBe(302);
    expect(redirected.headers.get('location')).toBe('http://127.0.0.1:9/api/v1/tenants/both/credentials?type=genesys');
  });

  it('counts requests per tenant whatever the type', async () => {
    const before = simulator.requestsFor('both');
    await get('both', 'whatsapp');
    await get('both', 'genesys');
    expect(simulator.requestsFor('both') - before).toBe(2);
  });
});
