import { DynamicModule } from '@nestjs/common';
import { MetricFactory, OBSERVABILITY_OPTIONS, TenantLabel, VerifiedTenants } from '@lib/observability';

/** The metrics side of the observability module, global and silent, for a spec that builds one module of a service. */
export function observabilityForSpec(serviceName: string): DynamicModule {
  const providers = [
    { provide: OBSERVABILITY_OPTIONS, useValue: { serviceName, version: '0', logLevel: 'silent' } },
    MetricFactory,
    VerifiedTenants,
    TenantLabel,
  ];
  return {
    module: class ObservabilityForSpec {},
    global: true,
    providers,
    exports: [OBSERVABILITY_OPTIONS, MetricFactory, VerifiedTenants, TenantLabel],
  };
}
