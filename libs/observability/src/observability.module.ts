import { DynamicModule, Global, Module, OnApplicationShutdown } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { LoggerModule } from 'nestjs-pino';
import { register } from 'prom-client';
import { pinoOptionsFor } from './logging/pino-options.factory';
import { DeliveryMetrics } from './metrics/delivery-metrics.service';
import { MetricFactory } from './metrics/metric-factory.service';
import { TenantLabel } from './metrics/tenant-label.service';
import { VerifiedTenants } from './tenants/verified-tenants.service';
import { metricPrefixFor, OBSERVABILITY_OPTIONS, ObservabilityOptions } from './observability.options';

export interface ObservabilityAsyncOptions {
  useFactory: (...args: any[]) => ObservabilityOptions;
  inject?: any[];
}

/** JSON logs (pino, redacted) and Prometheus metrics (`GET /metrics`) for one service. */
@Global()
@Module({})
export class ObservabilityModule implements OnApplicationShutdown {
  static forRootAsync(options: ObservabilityAsyncOptions): DynamicModule {
    return {
      module: ObservabilityModule,
      imports: [
        LoggerModule.forRootAsync({
          useFactory: (...args: unknown[]) => pinoOptionsFor(options.useFactory(...args)),
          inject: options.inject,
        }),
        PrometheusModule.registerAsync({
          useFactory: (...args: unknown[]) => ({
            path: '/metrics',
            defaultMetrics: { enabled: true, config: { prefix: metricPrefixFor(options.useFactory(...args).serviceName) } },
          }),
          inject: options.inject,
        }),
      ],
      providers: [
        { provide: OBSERVABILITY_OPTIONS, useFactory: options.useFactory, inject: options.inject },
        MetricFactory,
        VerifiedTenants,
        TenantLabel,
        DeliveryMetrics,
      ],
      exports: [OBSERVABILITY_OPTIONS, MetricFactory, VerifiedTenants, TenantLabel, DeliveryMetrics],
    };
  }

  /** The default registry is process-wide; clearing it lets a later app instance (tests) register again. */
  onApplicationShutdown(): void {
    register.clear();
  }
}
