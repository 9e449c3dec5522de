import { Logger } from '@nestjs/common';
import { MetricFactory, growingLruCache } from '@lib/observability';
import { LRUCache } from 'lru-cache';
import { Counter, Histogram } from 'prom-client';
import { AccessTokenError, ClientCredentialsRefusedError, TokenEndpointUnavailableError } from './access-token.errors';
import { tokenScheduleFor } from './access-token.lifetime';

export const DEFAULT_MAX_TOKEN_KEYS = 10_000;
export const DEFAULT_TOKEN_FETCH_TIMEOUT_MS = 15_000;

/** After a failed refresh ahead of expiry the old token still serves; the next try waits this long. */
const REFRESH_RETRY_PAUSE_MS = 5_000;
/** Visible ASCII only: the token goes into an `Authorization` header. */
const HEADER_SAFE = /^[\x21-\x7e]+$/;

/** A token endpoint's answer: `access_token` and `expires_in` of an OAuth token response. */
export interface AccessToken {
  accessToken: string;
  /** Seconds the token lives from its issue; never assumed, whatever the vendor's usual lifetime. */
  expiresInS: number;
}

interface AccessTokenCacheSettings<K> {
  /** Names the cache in metrics and logs (e.g. `genesys`): one fixed word per cache, never per tenant. */
  name: string;
  /**
   * Asks the vendor for a new token, e.g. an OAuth client-credentials grant. Throws what it likes
   * (preferably a `ClientCredentialsRefusedError` or a `TokenEndpointUnavailableError`); the cache
   * passes it through unchanged. Should stop its request when `signal` aborts.
   */
  fetchToken: (key: K, signal: AbortSignal) => Promise<AccessToken>;
  /**
   * Keys holding a token at most; the least recently used are dropped beyond it.
   * @default 10000
   */
  maxKeys?: number;
  /**
   * Longest wait for one fetch, its own retries included; then it is aborted and its callers get a
   * `TokenEndpointUnavailableError`. A backstop: give the fetch's HTTP calls shorter timeouts.
   * @default 15000
   */
  fetchTimeoutMs?: number;
}

/** A string key is its own cache key; any other key needs `keyOf`, one distinct string per key. */
type KeyOption<K> = [K] extends [string] ? { keyOf?: (key: K) => string } : { keyOf: (key: K) => string };

export type AccessTokenCacheOptions<K> = AccessTokenCacheSettings<K> & KeyOption<K>;

interface CachedToken {
  accessToken: string;
  refreshAt: number;
  usableUntil: number;
}

type Trigger = 'miss' | 'refresh-ahead';
type FetchResult = 'ok' | 'refused' | 'unavailable' | 'error';

/**
 * One access token per key (tenant and region), held until its `expires_in` minus a margin
 * (`tokenScheduleFor`) and refreshed in the background before then: a caller waits only when no
 * usable token is held. However many callers miss at once, one fetch per key is in flight; a token
 * the vendor refused (a 401) is dropped by `invalidate` only while it is still the one held, so many
 * concurrent 401s cost one new fetch. Failures are never remembered. LRU-bounded by `maxKeys`.
 *
 * Tokens stay in this process, never in Redis: a bearer token shared across replicas would need an
 * encryption key to manage and a Redis round trip per call, for a saving of one token request per
 * replica per token lifetime. Each replica's own token also gets its own per-token vendor quota
 * (Genesys: 300 requests/min); the service's per-tenant rate limit, shared through Redis, stays the
 * limit that counts.
 */
export class AccessTokenCache<K = string> {
  private readonly logger = new Logger('AccessTokenCache');
  private readonly name: string;
  private readonly fetchToken: (key: K, signal: AbortSignal) => Promise<AccessToken>;
  private readonly keyOf: (key: K) => string;
  private readonly fetchTimeoutMs: number;
  private readonly tokens: LRUCache<string, CachedToken>;
  /** One fetch per key at a time; bounded by the callers waiting, each key's entry gone once it settles. */
  private readonly inFlight = new Map<string, Promise<string>>();
  private readonly requests: Counter<'cache' | 'result'>;
  private readonly fetches: Counter<'cache' | 'result'>;
  private readonly fetchDuration: Histogram<'cache'>;

  constructor(options: AccessTokenCacheOptions<K>, metrics: MetricFactory) {
    this.name = options.name;
    this.fetchToken = options.fetchToken;
    this.keyOf = (options as { keyOf?: (key: K) => string }).keyOf ?? ((key) => key as string);
    this.fetchTimeoutMs = options.fetchTimeoutMs ?? DEFAULT_TOKEN_FETCH_TIMEOUT_MS;
    this.tokens = growingLruCache<string, CachedToken>(options.maxKeys ?? DEFAULT_MAX_TOKEN_KEYS);
    this.requests = metrics.counter('access_token_cache_requests_total', 'Access token look-ups, by cache result', ['cache', 'result']);
    this.fetches = metrics.counter('access_token_fetches_total', 'Access token fetches from the token endpoint, by outcome', [
      'cache',
      'result',
    ]);
    this.fetchDuration = metrics.histogram('access_token_fetch_duration_seconds', 'Access token fetches', ['cache']);
  }

  /** The key's token: the one held while usable, otherwise a new one (shared with concurrent callers). */
  async get(key: K): Promise<string> {
    const id = this.keyOf(key);
    const held = this.tokens.get(id);
    const now = Date.now();
    if (held && now < held.usableUntil) {
      this.requests.inc({ cache: this.name, result: 'hit' });
      if (now >= held.refreshAt) this.refreshAhead(id, key, held, now);
      return held.accessToken;
    }
    this.requests.inc({ cache: this.name, result: 'miss' });
    return this.fetchShared(id, key, 'miss');
  }

  /**
   * The vendor refused `refusedToken` (a 401): drop it, unless a newer token has replaced it already.
   * Returns whether it was dropped; the caller then `get`s a new token and retries once.
   */
  invalidate(key: K, refusedToken: string): boolean {
    const id = this.keyOf(key);
    if (this.tokens.peek(id)?.accessToken !== refusedToken) return false;
    this.tokens.delete(id);
    this.logger.log({ event: 'access_token_invalidated', cache: this.name, key: id });
    return true;
  }

  private refreshAhead(id: string, key: K, held: CachedToken, now: number): void {
    if (this.inFlight.has(id)) return;
    held.refreshAt = now + REFRESH_RETRY_PAUSE_MS;
    // Nobody waits for it: its failure is counted and logged by `fetch`, and the old token serves on.
    this.fetchShared(id, key, 'refresh-ahead').catch(() => undefined);
  }

  private fetchShared(id: string, key: K, trigger: Trigger): Promise<string> {
    const running = this.inFlight.get(id);
    if (running) return running;
    const fetching: Promise<string> = this.fetch(id, key, trigger).finally(() => {
      if (this.inFlight.get(id) === fetching) this.inFlight.delete(id);
    });
    this.inFlight.set(id, fetching);
    return fetching;
  }

  private async fetch(id: string, key: K, trigger: Trigger): Promise<string> {
    const askedAt = Date.now();
    const stopTimer = this.fetchDuration.startTimer({ cache: this.name });
    try {
      const { accessToken, expiresInS } = checkedToken(await this.fetchWithinTimeout(id, key), id);
      this.tokens.set(id, { accessToken, ...tokenScheduleFor(askedAt, expiresInS) });
      this.fetches.inc({ cache: this.name, result: 'ok' });
      this.logger.debug({ event: 'access_token_fetched', cache: this.name, key: id, trigger, lifetimeS: expiresInS });
      return accessToken;
    } catch (error) {
      const result = resultOf(error);
      this.fetches.inc({ cache: this.name, result });
      this.logger.warn({
        event: 'access_token_fetch_failed',
        cache: this.name,
        key: id,
        trigger,
        result,
        errorType: error instanceof Error ? error.name : typeof error,
        httpStatus: error instanceof AccessTokenError ? error.details.httpStatus : undefined,
      });
      throw error;
    } finally {
      stopTimer();
    }
  }

  private fetchWithinTimeout(id: string, key: K): Promise<AccessToken> {
    const abort = new AbortController();
    return new Promise<AccessToken>((resolve, reject) => {
      const timer = setTimeout(() => {
        abort.abort();
        reject(new TokenEndpointUnavailableError(`no token for '${id}' within ${this.fetchTimeoutMs} ms`));
      }, this.fetchTimeoutMs);
      timer.unref();
      void Promise.resolve()
        .then(() => this.fetchToken(key, abort.signal))
        .then(resolve, reject)
        .finally(() => clearTimeout(timer));
    });
  }
}

/** The answer as a token worth holding, or the endpoint counted as failing; the message names no value. */
function checkedToken(answer: AccessToken, id: string): AccessToken {
  const { accessToken, expiresInS } = answer;
  if (typeof accessToken !== 'string' || !HEADER_SAFE.test(accessToken)) {
    throw new TokenEndpointUnavailableError(`token endpoint answered for '${id}' without a usable access token (visible characters only)`);
  }
  if (typeof expiresInS !== 'number' || !Number.isFinite(expiresInS) || expiresInS <= 0) {
    throw new TokenEndpointUnavailableError(
      `token endpoint answered for '${id}' without a usable lifetime (expires_in must be a positive number of seconds)`,
    );
  }
  return answer;
}

function resultOf(error: unknown): FetchResult {
  if (error instanceof ClientCredentialsRefusedError) return 'refused';
  if (error instanceof TokenEndpointUnavailableError) return 'unavailable';
  return 'error';
}
