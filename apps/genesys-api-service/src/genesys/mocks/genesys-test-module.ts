import { Global, INestApplicationContext, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { MetricFactory, OBSERVABILITY_OPTIONS, TenantLabel, VerifiedTenants } from '@lib/observability';
import { GenesysClientOptions } from '../genesys-client.options';
import { GenesysModule } from '../genesys.module';

@Global()
@Module({
  providers: [
    { provide: OBSERVABILITY_OPTIONS, useValue: { serviceName: 'genesys-api-service', version: '0', logLevel: 'silent' } },
    MetricFactory,
    VerifiedTenants,
    TenantLabel,
  ],
  exports: [OBSERVABILITY_OPTIONS, MetricFactory, VerifiedTenants, TenantLabel],
})
class ObservabilityForSpec {}

/** The Genesys module as the app wires it, for specs: `templates` point it at a simulator or a local server. */
export async function startGenesysModule(
  templates: Pick<GenesysClientOptions, 'apiUrlTemplate' | 'loginUrlTemplate'>,
  overrides: Partial<GenesysClientOptions> = {},
): Promise<INestApplicationContext> {
  const options: GenesysClientOptions = {
    timeoutMs: 5_000,
    connections: 4,
    userAgent: 'genesys-api-service/0.0.0-spec',
    ...templates,
    ...overrides,
  };
  const moduleRef = await Test.createTestingModule({
    imports: [ObservabilityForSpec, GenesysModule.forRootAsync({ useFactory: () => options })],
  }).compile();
  return moduleRef.init();
}
