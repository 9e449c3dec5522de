import { DynamicModule, Module } from '@nestjs/common';
import { WHATSAPP_EGRESS_SERVICE } from '@lib/contracts';
import { AccountHoldHealthIndicator } from '@lib/resilience';
import { egressServiceModules, ServiceHealthModule } from '@lib/service';
import { WhatsappConfig } from './config/whatsapp.config';
import { parseWhatsappCredentials } from './credentials/whatsapp-credentials';
import { OutboundModule } from './outbound/outbound.module';
import { outboundTopology } from './outbound/outbound-topology';

/** Read top to bottom, the imports are the path of a message: the shared modules (queue → credentials → pipeline) → Meta → health. */
@Module({})
export class AppModule {
  static forRoot(config: WhatsappConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...egressServiceModules(config, {
          topology: outboundTopology(config.retry),
          service: WHATSAPP_EGRESS_SERVICE,
          credentialType: 'whatsapp',
          parseCredentials: parseWhatsappCredentials,
          breakers: { perTenant: true },
          vendorTimeoutMs: config.meta.timeoutMs,
        }),
        OutboundModule,
        // Readiness also lists the tenants whose account Meta put on hold; they never fail it.
        ServiceHealthModule.forRoot({ extraIndicators: [{ key: 'accountHolds', indicator: AccountHoldHealthIndicator }] }),
      ],
    };
  }
}
