import { FactoryProvider, InjectionToken, OptionalFactoryDependency } from '@nestjs/common';
import { MetricFactory } from '@lib/observability';
import { AccessTokenCache, AccessTokenCacheOptions } from './access-token.cache';

export interface AccessTokenCacheProviderOptions<K> {
  /** What the service injects: its own class, string or symbol (one per cache, e.g. `GENESYS_TOKENS`). */
  provide: InjectionToken;
  /** The cache's options, from the service's typed config and its token endpoint client. */
  useFactory: (...args: any[]) => AccessTokenCacheOptions<K>;
  inject?: Array<InjectionToken | OptionalFactoryDependency>;
}

/**
 * An `AccessTokenCache` for a service's own module, declared like the libs' `forRootAsync` options.
 * The token request itself (URL, client credentials, the vendor's error answers) belongs to the
 * service and reaches the cache through `fetchToken`; metrics come from the observability module.
 */
export function provideAccessTokenCache<K>(options: AccessTokenCacheProviderOptions<K>): FactoryProvider<AccessTokenCache<K>> {
  const { provide, useFactory, inject = [] } = options;
  return {
    provide,
    inject: [MetricFactory, ...inject],
    useFactory: (metrics: MetricFactory, ...args: unknown[]) => new AccessTokenCache<K>(useFactory(...args), metrics),
  };
}
