import { HttpService } from '@nestjs/axios';
import { DeliveryErrorCategory } from '@lib/resilience';
import { TenantServiceSimulator } from '@lib/testing';
import axios from 'axios';
import { TenantServiceClient } from './tenant-service.client';

describe(TenantServiceClient.name, () => {
  const simulator = new TenantServiceSimulator('svc-token');
  let client: TenantServiceClient<{ systemUserAccessToken: string }>;

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
  });

  function clientFor(url: string, token: string, parse = (raw: unknown) => raw as { systemUserAccessToken: string }) {
    return new TenantServiceClient(new HttpService(axios.create()), {
      tenantServiceUrl: url,
      tenantServiceToken: token,
      tenantServiceTimeoutMs: 500,
      credentialType: 'whatsapp',
      cacheTtlMs: 1000,
      parseCredentials: parse,
    });
  }

  it('returns the credentials of an active tenant', async () => {
    const result = await client.fetch('acme');
    expect(result.credentials.systemUserAccessToken).toBe('EAAG-acme');
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
    const strict = clientFor(simulator.url, 'svc-token', () => {
      throw new Error('phoneNumberId missing');
    });
    await expect(strict.fetch('acme')).rejects.toMatchObject({
      category: DeliveryErrorCategory.ACCOUNT_ERROR,
      message: "tenant 'acme' has unusable whatsapp credentials: phoneNumberId missing",
    });
  });

  it('probes readiness with one request that the service answers 404', async () => {
    const before = simulator.requestsFor('__readiness-probe__');
    await expect(client.probe()).resolves.toBeUndefined();
    expect(simulator.requestsFor('__readiness-probe__') - before).toBe(1);
    await expect(clientFor(simulator.url, 'wrong').probe()).resolves.toContain('HTTP 401');
    simulator.mode = 'unavailable';
    await expect(client.probe()).resolves.toContain('HTTP 503');
    simulator.mode = 'unreachable';
    await expect(client.probe()).resolves.toContain('unreachable');
  });

  it('reports a connection failure as unavailable', async () => {
    simulator.mode = 'unreachable';
    await expect(client.fetch('acme')).rejects.toMatchObject({ category: DeliveryErrorCategory.TENANT_SERVICE_UNAVAILABLE });
  });
});
