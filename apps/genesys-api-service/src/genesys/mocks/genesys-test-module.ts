import { observabilityForSpec } from '@lib/testing';
import { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { GenesysClientOptions } from '../genesys-client.options';
import { GenesysModule } from '../genesys.module';

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
    imports: [observabilityForSpec('genesys-api-service'), GenesysModule.forRootAsync({ useFactory: () => options })],
  }).compile();
  return moduleRef.init();
}
