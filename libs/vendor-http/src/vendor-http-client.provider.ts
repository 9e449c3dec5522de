import { FactoryProvider, InjectionToken, OptionalFactoryDependency } from '@nestjs/common';
import { MetricFactory, TenantLabel } from '@lib/observability';
import { VendorHttpClient } from './vendor-http.client';
import { VendorHttpClientOptions } from './vendor-http.options';

export interface VendorHttpClientProviderOptions<L extends string> {
  /** What the service injects, one per vendor (e.g. `META_HTTP`, `GENESYS_HTTP`). */
  provide: InjectionToken;
  /** The client's options, from the service's typed config. */
  useFactory: (...args: any[]) => VendorHttpClientOptions<L>;
  inject?: Array<InjectionToken | OptionalFactoryDependency>;
}

/**
 * A `VendorHttpClient` for a service's own module, declared like the libs' `forRootAsync` options;
 * its metrics come from the observability module. Nest closes its pool at application shutdown,
 * after the consumers drained.
 */
export function provideVendorHttpClient<L extends string = never>(
  options: VendorHttpClientProviderOptions<L>,
): FactoryProvider<VendorHttpClient<L>> {
  const { provide, useFactory, inject = [] } = options;
  return {
    provide,
    inject: [MetricFactory, TenantLabel, ...inject],
    useFactory: (metrics: MetricFactory, tenants: TenantLabel, ...args: unknown[]) =>
      new VendorHttpClient<L>(useFactory(...args), metrics, tenants),
  };
}
