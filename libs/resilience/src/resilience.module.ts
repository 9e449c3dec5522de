import { DynamicModule, Module } from '@nestjs/common';
import { TenantResilienceInterceptor } from './interceptors/tenant-resilience.interceptor';
import { TenantPolicyRegistry } from './policies/tenant-policy.registry';
import { RESILIENCE_OPTIONS, ResilienceOptions } from './resilience.options';

export interface ResilienceAsyncOptions {
  useFactory: (...args: any[]) => ResilienceOptions;
  inject?: any[];
}

/** Per-tenant cockatiel policies (timeout, bulkhead, circuit breaker) applied as an interceptor. */
@Module({})
export class ResilienceModule {
  static forRootAsync(options: ResilienceAsyncOptions): DynamicModule {
    return {
      module: ResilienceModule,
      global: true,
      providers: [
        { provide: RESILIENCE_OPTIONS, useFactory: options.useFactory, inject: options.inject },
        TenantPolicyRegistry,
        TenantResilienceInterceptor,
      ],
      exports: [RESILIENCE_OPTIONS, TenantPolicyRegistry, TenantResilienceInterceptor],
    };
  }
}
