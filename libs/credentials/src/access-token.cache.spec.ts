import { Logger } from '@nestjs/common';
import { MetricFactory } from '@lib/observability';
import { register } from 'prom-client';
import { AccessToken, AccessTokenCache, AccessTokenCacheOptions } from './access-token.cache';
import { ClientCredentialsRefusedError, TokenEndpointUnavailableError } from './access-token.errors';
import { TenantRegion, tenantRegionKey } from './tenant-region.key';

const S = 1000;
const START = Date.UTC(2026, 0, 1);
const observability = { serviceName: 'token-spec', version: '0', logLevel: 'silent' };

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: Error) => void;
}

function deferred<T>(): Deferred<T> {
  const parts = {} as Deferred<T>;
  parts.promise = new Promise<T>((resolve, reject) => Object.assign(parts, { resolve, reject }));
  return parts;
}

const token = (accessToken: string, expiresInS = 300): AccessToken => ({ accessToken, expiresInS });
/** Moves the clock to `seconds` after the start without running any timer. */
const at = (seconds: number) => jest.setSystemTime(START + seconds * S);
/** Lets every settled promise run its callbacks (fake timers leave setImmediate real). */
const settled = () => new Promise((resolve) => setImmediate(resolve));

type FetchToken = jest.Mock<Promise<AccessToken>, [string, AbortSignal]>;

function cacheWith(fetchToken: FetchToken, overrides: Partial<AccessTokenCacheOptions<string>> = {}) {
  return new AccessTokenCache<string>({ name: 'genesys', fetchToken, ...overrides }, new MetricFactory(observability));
}

async function metricValues(name: string): Promise<Record<string, number>> {
  const metric = await register.getSingleMetric(`token_spec_${name}`)!.get();
  return Object.fromEntries(metric.values.map((v) => [String(v.labels.result), v.value]));
}

describe(AccessTokenCache.name, () => {
  /** Every log line the cache wrote, as the logger's arguments. */
  let lines: unknown[][];

  beforeEach(() => {
    jest.useFakeTimers({ now: START, doNotFake: ['setImmediate', 'nextTick'] });
    lines = [];
    for (const level of ['log', 'warn', 'error', 'debug', 'verbose'] as const) {
      jest.spyOn(Logger.prototype, level).mockImplementation((...args: unknown[]) => void lines.push(args));
    }
  });
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
    register.clear();
  });

  describe('lifetime', () => {
    it('reuses a 5-minute token for minutes, then never serves it within its margin of expiry', async () => {
      const fetchToken: FetchToken = jest.fn().mockResolvedValueOnce(token('five-a', 300));
      const cache = cacheWith(fetchToken);
      for (const second of [0, 60, 120, 180, 239]) {
        at(second);
        expect(await cache.get('acme')).toBe('five-a');
      }
      expect(fetchToken).toHaveBeenCalledTimes(1);

      const next = deferred<AccessToken>();
      fetchToken.mockReturnValueOnce(next.promise);
      at(270);
      const waiting = cache.get('acme');
      next.resolve(token('five-b', 300));
      expect(await waiting).toBe('five-b');
      expect(fetchToken).toHaveBeenCalledTimes(2);
    });

    it('reuses a 48-hour token for 47 hours and refreshes it in its last two minutes', async () => {
      const fortyEightHours = 48 * 3600;
      const fetchToken: FetchToken = jest
        .fn()
        .mockResolvedValueOnce(token('long-a', fortyEightHours))
        .mockResolvedValueOnce(token('long-b', fortyEightHours));
      const cache = cacheWith(fetchToken);
      expect(await cache.get('acme')).toBe('long-a');
      at(47 * 3600);
      expect(await cache.get('acme')).toBe('long-a');
      expect(fetchToken).toHaveBeenCalledTimes(1);

      at(fortyEightHours - 119);
      expect(await cache.get('acme')).toBe('long-a');
      expect(fetchToken).toHaveBeenCalledTimes(2);
      await settled();
      expect(await cache.get('acme')).toBe('long-b');
    });

    it('counts the lifetime from the moment the token was asked for, not from its arrival', async () => {
      const slow = deferred<AccessToken>();
      const fetchToken: FetchToken = jest.fn().mockReturnValueOnce(slow.promise).mockResolvedValueOnce(token('second'));
      const cache = cacheWith(fetchToken);
      const first = cache.get('acme');
      at(5);
      slow.resolve(token('first', 300));
      expect(await first).toBe('first');
      at(270);
      expect(await cache.get('acme')).toBe('second');
    });
  });

  describe('refresh ahead of expiry', () => {
    it('serves the old token while the refresh is in flight, with one refresh for all callers', async () => {
      const fetchToken: FetchToken = jest.fn().mockResolvedValueOnce(token('old'));
      const cache = cacheWith(fetchToken);
      await cache.get('acme');
      const refresh = deferred<AccessToken>();
      fetchToken.mockReturnValueOnce(refresh.promise);
      at(250);
      const served = await Promise.all(Array.from({ length: 100 }, () => cache.get('acme')));
      expect(new Set(served)).toEqual(new Set(['old']));
      expect(fetchToken).toHaveBeenCalledTimes(2);

      refresh.resolve(token('new'));
      await settled();
      expect(await cache.get('acme')).toBe('new');
      expect(fetchToken).toHaveBeenCalledTimes(2);
    });

    it('keeps serving the old token when a refresh fails, and tries again after a pause, not on every call', async () => {
      const fetchToken: FetchToken = jest.fn().mockResolvedValueOnce(token('old'));
      const cache = cacheWith(fetchToken);
      await cache.get('acme');
      fetchToken.mockRejectedValueOnce(new TokenEndpointUnavailableError('login answered 503', { httpStatus: 503 }));
      at(241);
      expect(await cache.get('acme')).toBe('old');
      await settled();
      expect(await cache.get('acme')).toBe('old');
      at(245);
      expect(await cache.get('acme')).toBe('old');
      expect(fetchToken).toHaveBeenCalledTimes(2);

      fetchToken.mockResolvedValueOnce(token('new'));
      at(246);
      expect(await cache.get('acme')).toBe('old');
      await settled();
      expect(await cache.get('acme')).toBe('new');
      expect(fetchToken).toHaveBeenCalledTimes(3);
    });
  });

  it('makes one request for 100 concurrent callers of a key it does not hold', async () => {
    const answer = deferred<AccessToken>();
    const fetchToken: FetchToken = jest.fn().mockReturnValue(answer.promise);
    const cache = cacheWith(fetchToken);
    const waiting = Array.from({ length: 100 }, () => cache.get('acme'));
    answer.resolve(token('tok'));
    expect(new Set(await Promise.all(waiting))).toEqual(new Set(['tok']));
    expect(fetchToken).toHaveBeenCalledTimes(1);
  });

  it('keeps tenants and regions apart, handing the fetch the key it was asked for', async () => {
    const fetchToken = jest.fn((key: TenantRegion) => Promise.resolve(token(`tok-${key.tenantId}-${key.region}`)));
    const cache = new AccessTokenCache<TenantRegion>(
      { name: 'genesys', fetchToken, keyOf: tenantRegionKey },
      new MetricFactory(observability),
    );
    const keys = [
      { tenantId: 'acme', region: 'mypurecloud.ie' },
      { tenantId: 'acme', region: 'mypurecloud.de' },
      { tenantId: 'globex', region: 'mypurecloud.ie' },
    ];
    expect(await Promise.all(keys.map((key) => cache.get(key)))).toEqual([
      'tok-acme-mypurecloud.ie',
      'tok-acme-mypurecloud.de',
      'tok-globex-mypurecloud.ie',
    ]);
    expect(await cache.get({ tenantId: 'acme', region: 'mypurecloud.ie' })).toBe('tok-acme-mypurecloud.ie');
    expect(fetchToken.mock.calls.map(([key]) => key)).toEqual(keys);
  });

  describe('invalidate', () => {
    it('drops the token only while it is still the one that was refused', async () => {
      const fetchToken: FetchToken = jest.fn().mockResolvedValueOnce(token('refused')).mockResolvedValueOnce(token('fresh'));
      const cache = cacheWith(fetchToken);
      await cache.get('acme');
      expect(cache.invalidate('acme', 'some-other-token')).toBe(false);
      expect(await cache.get('acme')).toBe('refused');
      expect(cache.invalidate('acme', 'refused')).toBe(true);
      expect(await cache.get('acme')).toBe('fresh');
      expect(cache.invalidate('acme', 'refused')).toBe(false);
      expect(await cache.get('acme')).toBe('fresh');
      expect(fetchToken).toHaveBeenCalledTimes(2);
    });

    it('fetches once for 100 concurrent 401s of the same token', async () => {
      const fetchToken: FetchToken = jest.fn().mockResolvedValueOnce(token('refused')).mockResolvedValueOnce(token('fresh'));
      const cache = cacheWith(fetchToken);
      const refused = await cache.get('acme');
      const retried = await Promise.all(
        Array.from({ length: 100 }, async () => {
          await Promise.resolve();
          cache.invalidate('acme', refused);
          return cache.get('acme');
        }),
      );
      expect(new Set(retried)).toEqual(new Set(['fresh']));
      expect(fetchToken).toHaveBeenCalledTimes(2);
    });

    it('has the callers that missed join a refresh already in flight', async () => {
      const fetchToken: FetchToken = jest.fn().mockResolvedValueOnce(token('old'));
      const cache = cacheWith(fetchToken);
      await cache.get('acme');
      const refresh = deferred<AccessToken>();
      fetchToken.mockReturnValueOnce(refresh.promise);
      at(250);
      await cache.get('acme');
      cache.invalidate('acme', 'old');
      const waiting = cache.get('acme');
      refresh.resolve(token('new'));
      expect(await waiting).toBe('new');
      expect(fetchToken).toHaveBeenCalledTimes(2);
    });
  });

  describe('failures', () => {
    it.each([
      [
        'refused client credentials',
        new ClientCredentialsRefusedError("tenant 'acme': login refused the client (invalid_client)", { httpStatus: 401 }),
      ],
      ['an unavailable token endpoint', new TokenEndpointUnavailableError('login answered 503', { httpStatus: 503 })],
      ['any other error', new Error('socket hang up')],
    ])('passes %s through unchanged and never caches it', async (_name, error) => {
      const fetchToken: FetchToken = jest.fn().mockRejectedValueOnce(error).mockResolvedValueOnce(token('tok'));
      const cache = cacheWith(fetchToken);
      await expect(cache.get('acme')).rejects.toBe(error);
      expect(await cache.get('acme')).toBe('tok');
      expect(fetchToken).toHaveBeenCalledTimes(2);
    });

    it('hands one failure to every concurrent caller, then asks again', async () => {
      const answer = deferred<AccessToken>();
      const fetchToken: FetchToken = jest.fn().mockReturnValueOnce(answer.promise).mockResolvedValueOnce(token('tok'));
      const cache = cacheWith(fetchToken);
      const refused = new ClientCredentialsRefusedError('login refused the client (invalid_client)', { httpStatus: 401 });
      const waiting = Array.from({ length: 100 }, () => cache.get('acme').catch((error: unknown) => error));
      answer.reject(refused);
      expect(new Set(await Promise.all(waiting))).toEqual(new Set([refused]));
      expect(await cache.get('acme')).toBe('tok');
      expect(fetchToken).toHaveBeenCalledTimes(2);
    });

    it.each([
      ['an empty token', { accessToken: '', expiresInS: 300 }],
      ['a token with a line break', { accessToken: 'planted\r\nX-Injected: 1', expiresInS: 300 }],
      ['a zero lifetime', { accessToken: 'planted', expiresInS: 0 }],
      ['a negative lifetime', { accessToken: 'planted', expiresInS: -5 }],
      ['a lifetime that is not a number', { accessToken: 'planted', expiresInS: Number('soon') }],
      ['an endless lifetime', { accessToken: 'planted', expiresInS: Infinity }],
    ])('refuses an answer with %s as the endpoint failing, naming no token', async (_name, answer) => {
      const fetchToken: FetchToken = jest.fn().mockResolvedValueOnce(answer).mockResolvedValueOnce(token('good'));
      const cache = cacheWith(fetchToken);
      const error = await cache.get('acme').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TokenEndpointUnavailableError);
      expect((error as Error).message).toMatch(/^token endpoint answered for 'acme' without a usable/);
      expect((error as Error).message).not.toContain('planted');
      expect(await cache.get('acme')).toBe('good');
    });

    it('gives up on a fetch that never settles after fetchTimeoutMs, aborting it, and asks again next time', async () => {
      const fetchToken: FetchToken = jest.fn().mockReturnValueOnce(new Promise<AccessToken>(() => undefined));
      const cache = cacheWith(fetchToken, { fetchTimeoutMs: 2000 });
      const waiting = cache.get('acme').catch((error: unknown) => error);
      jest.advanceTimersByTime(2000);
      const error = await waiting;
      expect(error).toBeInstanceOf(TokenEndpointUnavailableError);
      expect((error as Error).message).toBe("no token for 'acme' within 2000 ms");
      expect(fetchToken.mock.calls[0][1].aborted).toBe(true);
      fetchToken.mockResolvedValueOnce(token('tok'));
      expect(await cache.get('acme')).toBe('tok');
    });
  });

  it('keeps at most maxKeys tokens, dropping the least recently used', async () => {
    const fetchToken = jest.fn((key: string) => Promise.resolve(token(`tok-${key}`)));
    const cache = new AccessTokenCache<string>({ name: 'genesys', fetchToken, maxKeys: 2 }, new MetricFactory(observability));
    for (const key of ['a', 'b', 'a', 'c', 'a', 'b']) await cache.get(key);
    expect(fetchToken.mock.calls.map(([key]) => key)).toEqual(['a', 'b', 'c', 'b']);
  });

  it('counts look-ups by cache result and fetches by outcome', async () => {
    const fetchToken: FetchToken = jest
      .fn()
      .mockResolvedValueOnce(token('tok'))
      .mockRejectedValueOnce(new ClientCredentialsRefusedError('invalid_client', { httpStatus: 401 }))
      .mockRejectedValueOnce(new TokenEndpointUnavailableError('503', { httpStatus: 503 }))
      .mockRejectedValueOnce(new Error('bug'));
    const cache = cacheWith(fetchToken);
    await cache.get('a');
    await cache.get('a');
    for (const key of ['b', 'c', 'd']) await cache.get(key).catch(() => undefined);
    expect(await metricValues('access_token_cache_requests_total')).toEqual({ hit: 1, miss: 4 });
    expect(await metricValues('access_token_fetches_total')).toEqual({ ok: 1, refused: 1, unavailable: 1, error: 1 });
  });

  it('writes no token into any log line, only key, result and lifetime', async () => {
    const fetchToken: FetchToken = jest
      .fn()
      .mockResolvedValueOnce(token('secret-token-1'))
      .mockRejectedValueOnce(new TokenEndpointUnavailableError('login answered 503', { httpStatus: 503 }))
      .mockResolvedValueOnce(token('secret-token-2'))
      .mockRejectedValueOnce(new ClientCredentialsRefusedError('invalid_client', { httpStatus: 401 }));
    const cache = cacheWith(fetchToken);
    await cache.get('acme');
    at(241);
    await cache.get('acme');
    await settled();
    at(250);
    await cache.get('acme');
    await settled();
    cache.invalidate('acme', 'secret-token-2');
    await cache.get('acme').catch(() => undefined);

    const logged = JSON.stringify(lines);
    expect(logged).not.toContain('secret-token');
    expect(lines).toEqual(
      expect.arrayContaining([
        [expect.objectContaining({ event: 'access_token_fetched', cache: 'genesys', key: 'acme', lifetimeS: 300 })],
        [expect.objectContaining({ event: 'access_token_fetch_failed', key: 'acme', result: 'unavailable', trigger: 'refresh-ahead' })],
        [expect.objectContaining({ event: 'access_token_invalidated', key: 'acme' })],
        [expect.objectContaining({ event: 'access_token_fetch_failed', key: 'acme', result: 'refused', trigger: 'miss', httpStatus: 401 })],
      ]),
    );
  });
});
