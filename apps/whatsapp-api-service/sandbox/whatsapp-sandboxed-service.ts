import { WHATSAPP_OUTBOUND_QUEUE, whatsappStatusRoutingKey } from '@lib/contracts';
import { MetaGraphSimulator, SandboxedService, ServiceEntryPoint, TenantServiceSimulator } from '@lib/testing';
import { Logger } from 'nestjs-pino';
import { AppModule } from '../src/app.module';
import { loadWhatsappConfig, WhatsappConfig } from '../src/config/whatsapp.config';
import { outboundTopology } from '../src/outbound/outbound-topology';

export type WhatsappSimulators = { meta: MetaGraphSimulator; tenants: TenantServiceSimulator };
export type WhatsappObserved = 'statusEvents' | 'deadLetters';

export const WHATSAPP_ENTRY_POINT: ServiceEntryPoint = {
  source: 'apps/whatsapp-api-service/src/main.ts',
  built: 'dist/apps/whatsapp-api-service/main.js',
};

/** The whatsapp-api-service as a sandbox runs it: Meta and the tenant service simulated, its status events and dead letters watched. */
export const whatsappSandboxedService = (options: {
  metaLatencyMs?: number;
}): SandboxedService<WhatsappConfig, WhatsappSimulators, WhatsappObserved> => ({
  simulators: () => {
    const meta = new MetaGraphSimulator();
    meta.latencyMs = options.metaLatencyMs ?? 0;
    return { meta, tenants: new TenantServiceSimulator() };
  },
  env: ({ meta, tenants }) => ({
    TENANT_SERVICE_URL: tenants.url,
    TENANT_SERVICE_TOKEN: tenants.serviceToken,
    META_API_BASE_URL: meta.url,
  }),
  loadConfig: loadWhatsappConfig,
  // Meta refuses versions it does not serve; the simulated one serves exactly the service's.
  fitSimulators: ({ meta }, config) => (meta.apiVersions = [config.meta.apiVersion]),
  appModule: (config) => AppModule.forRoot(config),
  appLogger: (app) => app.get(Logger),
  topology: (config) => ({ workQueue: { ...outboundTopology(config.retry), queueKind: config.rabbitmq.queueKind } }),
  watch: {
    statusEvents: { exchange: WHATSAPP_OUTBOUND_QUEUE.exchange, bindingKey: whatsappStatusRoutingKey('*') },
    deadLetters: { exchange: WHATSAPP_OUTBOUND_QUEUE.deadLetterExchange, bindingKey: WHATSAPP_OUTBOUND_QUEUE.deadLetterRoutingKey },
  },
});
