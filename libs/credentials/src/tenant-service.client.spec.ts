import { HttpService } from '@nestjs/axios';
import { DeliveryError, DeliveryErrorCategory } from '@lib/resilience';
import { SimulatedTenant, TenantServiceSimulator } from '@lib/testing';
import axios, { AxiosAdapter } from 'axios';
import { CredentialsOptions } from './credentials.options';
import { TenantServiceClient } from './tenant-service.client';

type Creds = { systemUserAccessToken: string };

describe(TenantServiceClient.name, () => {
  const simulator = new TenantServiceSimulator('svc-token');
  let client: TenantServiceClient<Creds>;

  beforeAll(async () => {
    await simulator.start();
    simulator.addTenant({ tenantId: 'acme', phoneNumberId: '1065', accessToken: 'EAAG-acme' });
    simulator.addTenant({ tenantId: 'gone', phoneNumberId: '1066', accessToken: 'x', status: 'expired' });
    simulator.addTenant({ tenantId: 'late', phoneNumberId: '1067', accessToken: 'x', expiresAt: '2020-01-01T00:00:00Z' });
    client = clientFor(simulator.url, 'svc-token');
  });

  afterAll(() => simulator.stop());
  afterEach(() => {
    simulator.mode = 'up';
    simulator.redirect = { status: 302, to: 'http://127.0.0.1:9' };
  });

  function clientFor(url: string, token: string, overrides: Partial<CredentialsOptions<Creds>> = {}, http = axios.create()) {
    return new TenantServiceClient(new HttpService(http), {
      tenantServiceUrl: url,
      tenantServiceToken: token,
      tenantServiceTimeoutMs: 500,
      credentialType: 'whatsapp',
      cacheTtlMs: 1000,
      parseCredentials: (raw) => raw as Creds,
      ...overrides,
    });
  }

  it('returns the credentials of an active tenant', async () => {
    const result = await client.fetch('acme');
    expect(result.credentials.systemUserAccessToken).toBe('EAAG-acme');
  });

  it('returns the expiry of a well-formed record as epoch milliseconds', async () => {
    simulator.addTenant({ tenantId: 'dated', phoneNumberId: '1068', accessToken: 'x', expiresAt: '2999-01-01T00:00:00+01:00' });
    expect((await client.fetch('dated')).expiresAt).toBe(Date.UTC(2998, 11, 31, 23));
  });

  it('reports a 404 as TENANT_NOT_FOUND after one request', async () => {
    const before = simulator.requestsFor('ghost');
    await expect(client.fetch('ghost')).rejects.toMatchObject({ category: DeliveryErrorCategory.TENANT_NOT_FOUND });
    expect(simulator.requestsFor('ghost') - before).toBe(1);
  });

  it('reports a non-active status and past expiry as TENANT_INACTIVE', async () => {
    await expect(client.fetch('gone')).rejects.toMatchObject({ category: DeliveryErrorCategory.TENANT_INACTIVE });
    await expect(client.fetch('late')).rejects.toMatchObject({ category: DeliveryErrorCategory.TENANT_INACTIVE });
  });

  it('reports an inactive tenant as such even when its credentials were stripped', async () => {
    simulator.addTenant({
      tenantId: 'stripped',
      phoneNumberId: '1',
      accessToken: 'x',
      status: 'suspended',
      malformed: { record: { credentials: {} } },
    });
    const strict = clientFor(simulator.url, 'svc-token', {
      parseCredentials: () => {
        throw new Error('credentials.systemUserAccessToken must be set');
      },
    });
    await expect(strict.fetch('stripped')).rejects.toMatchObject({ category: DeliveryErrorCategory.TENANT_INACTIVE });
  });

  it('tries three times in all, then reports the service unavailable', async () => {
    simulator.mode = 'unavailable';
    const before = simulator.requestsFor('acme');
    await expect(client.fetch('acme')).rejects.toMatchObject({ category: DeliveryErrorCategory.TENANT_SERVICE_UNAVAILABLE });
    expect(simulator.requestsFor('acme') - before).toBe(3);
  });

  it('treats a refused service token as the service being unavailable, not the tenant failing', async () => {
    await expect(clientFor(simulator.url, 'wrong').fetch('acme')).rejects.toMatchObject({
      category: DeliveryErrorCategory.TENANT_SERVICE_UNAVAILABLE,
      message: 'tenant service answered HTTP 401',
    });
  });

  it('reports unusable credentials as an account error naming the field', async () => {
    const strict = clientFor(simulator.url, 'svc-token', {
      parseCredentials: () => {
        throw new Error('credentials.phoneNumberId must be set');
      },
    });
    await expect(strict.fetch('acme')).rejects.toMatchObject({
      category: DeliveryErrorCategory.ACCOUNT_ERROR,
      message: "tenant 'acme' has an unusable whatsapp credentials record: credentials.phoneNumberId must be set",
    });
  });

  describe('a malformed record', () => {
    const malformed = (tenantId: string, record: Record<string, unknown>): SimulatedTenant =>
      simulator.addTenant({ tenantId, phoneNumberId: '1069', accessToken: 'EAAG-secret', malformed: { record } });

    it.each([
      ['an expiresAt that is a number', { expiresAt: 4102444800000 }, 'expiresAt must be an ISO-8601 date-time string'],
      ['an expiresAt that is no date', { expiresAt: 'next-tuesday' }, 'expiresAt must be an ISO-8601 date-time string'],
      ['an expiresAt on a day that does not exist', { expiresAt: '2099-02-30T00:00:00Z' }, 'expiresAt must be an ISO-8601'],
      ['an expiresAt without a time zone', { expiresAt: '2099-01-01T00:00:00' }, 'expiresAt must be an ISO-8601'],
      ['a date-only expiresAt', { expiresAt: '2099-01-01' }, 'expiresAt must be an ISO-8601'],
      ['a malformed lastValidated', { lastValidated: 'yesterday-ish' }, 'lastValidated must be an ISO-8601 date-time string'],
      ['an unknown status', { status: 'paused-ish' }, 'status must be one of active, suspended, expired'],
      ['no status', { status: undefined }, 'status must be one of active, suspended, expired'],
      ["another tenant's record", { tenantId: 'globex-ish' }, 'tenantId is not the tenant asked for'],
      ['no tenantId', { tenantId: undefined }, 'tenantId is not the tenant asked for'],
      ['another credential type', { credentialType: 'genesys-ish' }, "credentialType is not 'whatsapp'"],
    ])('refuses %s as ACCOUNT_ERROR after one request, naming the field but not its value', async (_name, record, problem) => {
      const tenantId = `bad-${Object.keys(record)[0]}-${Math.random().toString(36).slice(2, 8)}`;
      malformed(tenantId, record);
      const error = await client.fetch(tenantId).then(
        () => new Error('expected a refusal'),
        (caught: Error) => caught,
      );
      expect(error).toMatchObject({ category: DeliveryErrorCategory.ACCOUNT_ERROR });
      expect(error.message).toContain(`tenant '${tenantId}' has an unusable whatsapp credentials record: ${problem}`);
      const value = Object.values(record)[0];
      if (value !== undefined) expect(error.message).not.toContain(String(value));
      expect(error.message).not.toContain('EAAG-secret');
      expect(simulator.requestsFor(tenantId)).toBe(1);
    });

    it('names every malformed field at once', async () => {
      malformed('many-faults', { status: 7, expiresAt: 1, lastValidated: false });
      await expect(client.fetch('many-faults')).rejects.toMatchObject({
        message:
          "tenant 'many-faults' has an unusable whatsapp credentials record: status must be one of active, suspended, expired; " +
          'expiresAt must be an ISO-8601 date-time string; lastValidated must be an ISO-8601 date-time string',
      });
    });

    it('accepts an absent or null expiresAt and lastValidated', async () => {
      malformed('undated', { expiresAt: null, lastValidated: undefined });
      await expect(client.fetch('undated')).resolves.toMatchObject({ tenantId: 'undated', expiresAt: undefined });
    });
  });

  it.each([
    ['a string', 'OK'],
    ['null', null],
    ['an array', [{ tenantId: 'acme' }]],
  ])('treats a 200 whose body is %s (not a record at all) as the service failing', async (_name, data) => {
    const adapter: AxiosAdapter = (config) => Promise.resolve({ status: 200, statusText: 'OK', data, headers: {}, config });
    const odd = clientFor('http://tenants', 'svc-token', {}, axios.create({ adapter }));
    await expect(odd.fetch('acme')).rejects.toMatchObject({
      category: DeliveryErrorCategory.TENANT_SERVICE_UNAVAILABLE,
      message: 'tenant service answered 200 without a credentials record',
    });
  });

  describe('request slots', () => {
    const notFound = (config: Parameters<AxiosAdapter>[0]) => ({ status: 404, statusText: '', data: {}, headers: {}, config });

    it('keeps at most maxConcurrentRequests requests in flight however many distinct tenants are asked for', async () => {
      let inFlight = 0;
      let most = 0;
      const adapter: AxiosAdapter = async (config) => {
        most = Math.max(most, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight -= 1;
        return notFound(config);
      };
      const limited = clientFor(
        'http://tenants',
        'svc-token',
        { maxConcurrentRequests: 4, tenantServiceTimeoutMs: 60_000 },
        axios.create({ adapter }),
      );
      const outcomes = await Promise.all(
        Array.from({ length: 40 }, (_, i) => limited.fetch(`ghost-${i}`).catch((error: DeliveryError) => error.category)),
      );
      expect(new Set(outcomes)).toEqual(new Set([DeliveryErrorCategory.TENANT_NOT_FOUND]));
      expect(most).toBe(4);
    });

    it('refuses a fetch that found no free slot within the request timeout as the service being unavailable, without a request', async () => {
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const adapter = jest.fn<ReturnType<AxiosAdapter>, Parameters<AxiosAdapter>>(async (config) => {
        await released;
        return notFound(config);
      });
      const limited = clientFor(
        'http://tenants',
        'svc-token',
        { maxConcurrentRequests: 1, tenantServiceTimeoutMs: 30 },
        axios.create({ adapter }),
      );
      const first = limited.fetch('slow').catch((error: DeliveryError) => error.category);
      await expect(limited.fetch('other')).rejects.toMatchObject({
        category: DeliveryErrorCategory.TENANT_SERVICE_UNAVAILABLE,
        message: 'tenant service busy: 1 request(s) of this replica already in flight',
      });
      expect(adapter).toHaveBeenCalledTimes(1);
      release();
      expect(await first).toBe(DeliveryErrorCategory.TENANT_NOT_FOUND);
    });
  });

  describe('redirects', () => {
    const elsewhere = new TenantServiceSimulator('svc-token');

    beforeAll(async () => {
      await elsewhere.start();
      elsewhere.addTenant({ tenantId: 'acme', phoneNumberId: '1065', accessToken: 'EAAG-elsewhere' });
    });
    afterAll(() => elsewhere.stop());

    it.each([301, 302, 303, 307, 308] as const)(
      'never follows a %s, so the service token never reaches another host, and reports the service unavailable',
      async (status) => {
        simulator.mode = 'redirect';
        simulator.redirect = { status, to: elsewhere.url };
        await expect(client.fetch('acme')).rejects.toMatchObject({
          category: DeliveryErrorCategory.TENANT_SERVICE_UNAVAILABLE,
          message: `tenant service answered HTTP ${status} (a redirect, not followed)`,
          details: { httpStatus: status },
        });
        expect(elsewhere.totalRequests).toBe(0);
      },
    );

    it('holds even when the HTTP client it is given follows redirects by default', async () => {
      simulator.mode = 'redirect';
      simulator.redirect = { status: 307, to: elsewhere.url };
      const lenient = clientFor(simulator.url, 'svc-token', {}, axios.create({ maxRedirects: 21 }));
      await expect(lenient.fetch('acme')).rejects.toMatchObject({ category: DeliveryErrorCategory.TENANT_SERVICE_UNAVAILABLE });
      await expect(lenient.probe()).resolves.toMatchObject({ reason: 'redirected', httpStatus: 307 });
      expect(elsewhere.totalRequests).toBe(0);
    });
  });

  it('reports a connection failure as unavailable', async () => {
    simulator.mode = 'unreachable';
    await expect(client.fetch('acme')).rejects.toMatchObject({ category: DeliveryErrorCategory.TENANT_SERVICE_UNAVAILABLE });
  });
});
