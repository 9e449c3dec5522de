import { DynamicModule, Module } from '@nestjs/common';
import { GENESYS_EGRESS_SERVICE } from '@lib/contracts';
import { egressServiceModules, ServiceHealthModule } from '@lib/service';
import { GenesysConfig } from './config/genesys.config';
import { parseGenesysCredentials } from './credentials/genesys-credentials';
import { InboundModule } from './inbound/inbound.module';
import { inboundTopology } from './inbound/inbound-topology';

/** Read top to bottom, the imports are the path of a message: the shared modules (queue → credentials → pipeline) → Genesys → health. */
@Module({})
export class AppModule {
  static forRoot(config: GenesysConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...egressServiceModules(config, {
          topology: inboundTopology(config.retry),
          service: GENESYS_EGRESS_SERVICE,
          credentialType: 'genesys',
          parseCredentials: parseGenesysCredentials,
          // The bulkhead per tenant in the interceptor; the breaker per Genesys region, known once the credentials are read.
          breakers: { perTenant: false, keyed: { keyKind: 'region' } },
          sharedState: { ledgerTtlS: config.dedupeTtlS },
          vendorTimeoutMs: config.genesys.timeoutMs,
        }),
        InboundModule,
        ServiceHealthModule.forRoot(),
      ],
    };
  }
}
