import { HttpService } from '@nestjs/axios';
import { TenantServiceSimulator } from '@lib/testing';
import axios, { AxiosAdapter, AxiosError } from 'axios';
import { TenantServiceClient } from './tenant-service.client';

describe(`${TenantServiceClient.name} readiness probe`, () => {
  const simulator = new TenantServiceSimulator('svc-token');
  let client: TenantServiceClient;

  beforeAll(async () => {
    await simulator.start();
    client = clientFor(simulator.url, 'svc-token');
  });

  afterAll(() => simulator.stop());
  afterEach(() => {
    simulator.mode = 'up';
  });

  function clientFor(url: string, token: string, http = axios.create()) {
    return new TenantServiceClient(new HttpService(http), {
      tenantServiceUrl: url,
      tenantServiceToken: token,
      tenantServiceTimeoutMs: 500,
      credentialType: 'whatsapp',
      cacheTtlMs: 1000,
      parseCredentials: (raw) => raw,
    });
  }

  it('makes one request, which the service answers 404, and finds nothing wrong', async () => {
    const before = simulator.requestsFor('__readiness-probe__');
    await expect(client.probe()).resolves.toBeUndefined();
    expect(simulator.requestsFor('__readiness-probe__') - before).toBe(1);
  });

  it.each([
    ['a refused service token', () => clientFor(simulator.url, 'wrong'), { reason: 'token-refused', httpStatus: 401 }],
    ['an error status', () => ((simulator.mode = 'unavailable'), client), { reason: 'error-status', httpStatus: 503 }],
    ['a redirect', () => ((simulator.mode = 'redirect'), client), { reason: 'redirected', httpStatus: 302 }],
    ['a reset connection', () => ((simulator.mode = 'unreachable'), client), { reason: 'unreachable', errorCode: 'ECONNRESET' }],
  ] as const)('reports %s with its status or error code', async (_name, arrange, expected) => {
    await expect(arrange().probe()).resolves.toEqual({ ...expected, note: expect.any(String) });
  });

  it('reports a refused connection by its error code', async () => {
    const closed = new TenantServiceSimulator();
    const url = await closed.start();
    await closed.stop();
    await expect(clientFor(url, 'svc-token').probe()).resolves.toMatchObject({ reason: 'unreachable', errorCode: 'ECONNREFUSED' });
  });

  it.each([
    [400, 'error-status'],
    [429, 'error-status'],
    [502, 'error-status'],
  ])('counts an unexpected HTTP %s as a problem', async (status, reason) => {
    const adapter: AxiosAdapter = (config) => Promise.resolve({ status, statusText: '', data: {}, headers: {}, config });
    await expect(clientFor('http://tenants', 'svc-token', axios.create({ adapter })).probe()).resolves.toMatchObject({
      reason,
      httpStatus: status,
    });
  });

  it('never quotes the answer or the error message of the tenant service', async () => {
    const body = { message: 'db at 10.1.2.3 refused password hunter2' };
    const answering: AxiosAdapter = (config) => Promise.resolve({ status: 500, statusText: 'hunter2', data: body, headers: {}, config });
    const failing: AxiosAdapter = (config) =>
      Promise.reject(new AxiosError('connect to 10.1.2.3 with hunter2 failed', 'E hunter2 \n', config));
    for (const adapter of [answering, failing]) {
      const problem = await clientFor('http://tenants', 'svc-token', axios.create({ adapter })).probe();
      expect(problem).toBeDefined();
      expect(JSON.stringify(problem)).not.toMatch(/hunter2|10\.1\.2\.3/);
    }
  });
});
