import { DeliveryError, DeliveryErrorCategory } from '@lib/resilience';
import { MetricFactory, VerifiedTenants } from '@lib/observability';
import { register } from 'prom-client';
import { CredentialsOptions } from './credentials.options';
import { CredentialsCache } from './credentials-cache.service';
import { TenantServiceClient } from './tenant-service.client';

type Creds = { token: string };

const options = (overrides: Partial<CredentialsOptions<Creds>> = {}): CredentialsOptions<Creds> => ({
  tenantServiceUrl: 'http://tenants',
  tenantServiceToken: 'svc',
  tenantServiceTimeoutMs: 1000,
  credentialType: 'whatsapp',
  cacheTtlMs: 60_000,
  parseCredentials: (raw) => raw as Creds,
  ...overrides,
});

const observability = { serviceName: 'cache-spec', version: '0', logLevel: 'silent' };

function cacheWith(fetch: jest.Mock, overrides: Partial<CredentialsOptions<Creds>> = {}, verified = new VerifiedTenants(observability)) {
  const client = { fetch } as unknown as TenantServiceClient<Creds>;
  return new CredentialsCache<Creds>(client, options(overrides), new MetricFactory(observability), verified);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const record = (tenantId: string, token: string, expiresAt?: number) => ({ tenantId, credentials: { token }, expiresAt });

describe(CredentialsCache.name, () => {
  afterEach(() => register.clear());

  it('fetches a tenant once and serves it from memory within the TTL', async () => {
    const fetch = jest.fn().mockResolvedValue(record('acme', 'tok-1'));
    const cache = cacheWith(fetch);
    await cache.get('acme');
    await cache.get('acme');
    expect((await cache.get('acme')).credentials.token).toBe('tok-1');
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('fetches again once the TTL has passed', async () => {
    const fetch = jest.fn().mockResolvedValueOnce(record('acme', 'tok-1')).mockResolvedValueOnce(record('acme', 'tok-2'));
    const cache = cacheWith(fetch, { cacheTtlMs: 50 });
    await cache.get('acme');
    await sleep(120);
    expect((await cache.get('acme')).credentials.token).toBe('tok-2');
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it("keeps an entry no longer than the record's own expiry", async () => {
    const fetch = jest
      .fn()
      .mockResolvedValueOnce(record('acme', 'tok-1', Date.now() + 50))
      .mockResolvedValueOnce(record('acme', 'tok-2'));
    const cache = cacheWith(fetch, { cacheTtlMs: 60_000 });
    await cache.get('acme');
    await sleep(120);
    expect((await cache.get('acme')).credentials.token).toBe('tok-2');
  });

  it('makes one request for many concurrent misses of the same tenant', async () => {
    let resolve!: (value: unknown) => void;
    const fetch = jest.fn().mockReturnValue(new Promise((r) => (resolve = r)));
    const cache = cacheWith(fetch);
    const waiting = Array.from({ length: 50 }, () => cache.get('acme'));
    resolve(record('acme', 'tok-1'));
    const results = await Promise.all(waiting);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(new Set(results.map((r) => r.credentials.token))).toEqual(new Set(['tok-1']));
  });

  it('keeps tenants apart', async () => {
    const fetch = jest.fn((tenantId: string) => Promise.resolve(record(tenantId, `tok-${tenantId}`)));
    const cache = cacheWith(fetch);
    const [a, b] = await Promise.all([cache.get('a'), cache.get('b')]);
    expect([a.credentials.token, b.credentials.token]).toEqual(['tok-a', 'tok-b']);
  });

  it('fetches anew after an invalidation', async () => {
    const fetch = jest.fn().mockResolvedValueOnce(record('acme', 'old')).mockResolvedValueOnce(record('acme', 'new'));
    const cache = cacheWith(fetch);
    await cache.get('acme');
    cache.invalidate('acme');
    expect((await cache.get('acme')).credentials.token).toBe('new');
  });

  describe('refresh', () => {
    it('fetches a cached tenant anew, then not again within the negative-cache TTL', async () => {
      const fetch = jest
        .fn()
        .mockResolvedValueOnce(record('acme', 'tok-1'))
        .mockResolvedValueOnce(record('acme', 'tok-2'))
        .mockResolvedValueOnce(record('acme', 'tok-3'));
      const cache = cacheWith(fetch, { negativeCacheTtlMs: 50 });
      await cache.get('acme');
      expect(await cache.refresh('acme')).toMatchObject({ credentials: { token: 'tok-2' }, refreshed: true });
      expect(await cache.refresh('acme')).toMatchObject({ credentials: { token: 'tok-2' }, refreshed: false });
      expect(fetch).toHaveBeenCalledTimes(2);
      await sleep(120);
      expect(await cache.refresh('acme')).toMatchObject({ credentials: { token: 'tok-3' }, refreshed: true });
    });

    it('makes one request for many concurrent refreshes of one tenant', async () => {
      const fetch = jest.fn().mockResolvedValueOnce(record('acme', 'old'));
      const cache = cacheWith(fetch);
      await cache.get('acme');
      let resolve!: (value: unknown) => void;
      fetch.mockReturnValueOnce(new Promise((r) => (resolve = r)));
      const waiting = Array.from({ length: 50 }, () => cache.refresh('acme'));
      resolve(record('acme', 'new'));
      const results = await Promise.all(waiting);
      expect(fetch).toHaveBeenCalledTimes(2);
      expect(new Set(results.map((r) => r.credentials.token))).toEqual(new Set(['new']));
      expect(results.filter((r) => r.refreshed)).toHaveLength(1);
    });
  });

  describe('negative answers', () => {
    const refusal = (category: DeliveryErrorCategory) => new DeliveryError(category, `tenant refused (${category})`, { httpStatus: 404 });

    it.each([[DeliveryErrorCategory.TENANT_NOT_FOUND], [DeliveryErrorCategory.TENANT_INACTIVE], [DeliveryErrorCategory.ACCOUNT_ERROR]])(
      'remembers a %s answer for the negative-cache TTL, then asks again',
      async (category) => {
        const fetch = jest.fn().mockRejectedValueOnce(refusal(category)).mockResolvedValueOnce(record('acme', 'tok-1'));
        const cache = cacheWith(fetch, { negativeCacheTtlMs: 50 });
        await expect(cache.get('acme')).rejects.toMatchObject({
          category,
          message: `tenant refused (${category})`,
          details: { httpStatus: 404 },
        });
        await expect(cache.get('acme')).rejects.toMatchObject({ category });
        expect(fetch).toHaveBeenCalledTimes(1);
        await sleep(120);
        expect((await cache.get('acme')).credentials.token).toBe('tok-1');
        expect(fetch).toHaveBeenCalledTimes(2);
      },
    );

    it('never remembers the tenant service being unavailable', async () => {
      const fetch = jest
        .fn()
        .mockRejectedValueOnce(refusal(DeliveryErrorCategory.TENANT_SERVICE_UNAVAILABLE))
        .mockResolvedValueOnce(record('acme', 'tok-1'));
      const cache = cacheWith(fetch);
      await expect(cache.get('acme')).rejects.toMatchObject({ category: DeliveryErrorCategory.TENANT_SERVICE_UNAVAILABLE });
      expect((await cache.get('acme')).credentials.token).toBe('tok-1');
      expect(fetch).toHaveBeenCalledTimes(2);
    });

    it('makes one request for many concurrent look-ups of one unknown tenant, and none for the next ones', async () => {
      let reject!: (error: Error) => void;
      const fetch = jest.fn().mockReturnValue(new Promise((_resolve, r) => (reject = r)));
      const cache = cacheWith(fetch);
      const waiting = Array.from({ length: 50 }, () => cache.get('ghost').catch((error: DeliveryError) => error.category));
      reject(refusal(DeliveryErrorCategory.TENANT_NOT_FOUND));
      expect(new Set(await Promise.all(waiting))).toEqual(new Set([DeliveryErrorCategory.TENANT_NOT_FOUND]));
      await expect(cache.get('ghost')).rejects.toMatchObject({ category: DeliveryErrorCategory.TENANT_NOT_FOUND });
      expect(fetch).toHaveBeenCalledTimes(1);
    });

    it('keeps at most maxCachedTenants refusals, dropping the least recently used', async () => {
      const fetch = jest.fn((_tenantId: string) => Promise.reject(refusal(DeliveryErrorCategory.TENANT_NOT_FOUND)));
      const cache = cacheWith(fetch, { maxCachedTenants: 2 });
      for (const tenantId of ['a', 'b', 'c', 'a']) await cache.get(tenantId).catch(() => undefined);
      expect(fetch.mock.calls.map(([tenantId]) => tenantId)).toEqual(['a', 'b', 'c', 'a']);
    });

    it('forgets a refusal on invalidation', async () => {
      const fetch = jest
        .fn()
        .mockRejectedValueOnce(refusal(DeliveryErrorCategory.TENANT_NOT_FOUND))
        .mockResolvedValueOnce(record('acme', 'tok-1'));
      const cache = cacheWith(fetch);
      await expect(cache.get('acme')).rejects.toMatchObject({ category: DeliveryErrorCategory.TENANT_NOT_FOUND });
      cache.invalidate('acme');
      expect((await cache.get('acme')).credentials.token).toBe('tok-1');
    });
  });

  it('counts hits and misses', async () => {
    const fetch = jest.fn((tenantId: string) =>
      tenantId === 'acme'
        ? Promise.resolve(record('acme', 'tok'))
        : Promise.reject(new DeliveryError(DeliveryErrorCategory.TENANT_NOT_FOUND, 'no')),
    );
    const cache = cacheWith(fetch);
    await cache.get('acme');
    await cache.get('acme');
    await cache.get('ghost').catch(() => undefined);
    await cache.get('ghost').catch(() => undefined);
    const metric = await register.getSingleMetric('cache_spec_credential_cache_requests_total')!.get();
    expect(Object.fromEntries(metric.values.map((v) => [v.labels.result, v.value]))).toEqual({ miss: 2, hit: 2 });
  });

  it('confirms a tenant as verified once its credentials were fetched, and only then', async () => {
    const verified = new VerifiedTenants(observability);
    const fetch = jest.fn(async (tenantId: string) => {
      if (tenantId === 'ghost') throw new DeliveryError(DeliveryErrorCategory.TENANT_NOT_FOUND, 'not found');
      return record(tenantId, 'tok');
    });
    const cache = cacheWith(fetch, {}, verified);
    await cache.get('acme');
    await expect(cache.get('ghost')).rejects.toThrow('not found');
    expect(verified.has('acme')).toBe(true);
    expect(verified.has('ghost')).toBe(false);
  });
});
