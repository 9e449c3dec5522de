import { DynamicModule, Module, Provider } from '@nestjs/common';
import { TenantResilienceInterceptor } from './interceptors/tenant-resilience.interceptor';
import { BreakerStateGauge } from './policies/breaker-state.gauge';
import { CircuitBreakers } from './policies/circuit-breakers';
import { TenantPolicyRegistry } from './policies/tenant-policy.registry';
import {
  KEYED_BREAKER_OPTIONS,
  KeyedBreakerOptions,
  RESILIENCE_OPTIONS,
  ResilienceOptions,
  validKeyedBreakerOptions,
} from './resilience.options';

export interface ResilienceAsyncOptions {
  useFactory: (...args: any[]) => ResilienceOptions;
  inject?: any[];
  /**
   * Provides `CircuitBreakers`, the breakers the handler calls by a key of its own (`{ keyKind: 'region' }`).
   * Without it that service is not provided, and injecting it fails at start.
   */
  keyedBreakers?: KeyedBreakerOptions;
}

/**
 * Cockatiel policies: per tenant (timeout, bulkhead, optionally a circuit breaker) applied as an
 * interceptor, and optionally circuit breakers by a key the handler knows (`CircuitBreakers`).
 */
@Module({})
export class ResilienceModule {
  static forRootAsync(options: ResilienceAsyncOptions): DynamicModule {
    const keyed: Provider[] = options.keyedBreakers
      ? [{ provide: KEYED_BREAKER_OPTIONS, useValue: validKeyedBreakerOptions(options.keyedBreakers) }, CircuitBreakers]
      : [];
    return {
      module: ResilienceModule,
      global: true,
      providers: [
        { provide: RESILIENCE_OPTIONS, useFactory: options.useFactory, inject: options.inject },
        BreakerStateGauge,
        TenantPolicyRegistry,
        TenantResilienceInterceptor,
        ...keyed,
      ],
      exports: [RESILIENCE_OPTIONS, TenantPolicyRegistry, TenantResilienceInterceptor, ...(options.keyedBreakers ? [CircuitBreakers] : [])],
    };
  }
}
