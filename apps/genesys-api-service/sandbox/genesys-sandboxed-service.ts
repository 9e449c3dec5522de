import { GENESYS_CORRELATION_EVENTS_QUEUE, GENESYS_INBOUND_QUEUE } from '@lib/contracts';
import { GenesysCloudSimulator, SandboxedService, ServiceEntryPoint, TenantServiceSimulator } from '@lib/testing';
import { Logger } from 'nestjs-pino';
import { AppModule } from '../src/app.module';
import { GenesysConfig, loadGenesysConfig } from '../src/config/genesys.config';
import { inboundTopology } from '../src/inbound/inbound-topology';

export type GenesysSimulators = { genesys: GenesysCloudSimulator; tenants: TenantServiceSimulator };
export type GenesysObserved = 'correlationEvents' | 'deadLetters';

export const GENESYS_ENTRY_POINT: ServiceEntryPoint = {
  source: 'apps/genesys-api-service/src/main.ts',
  built: 'dist/apps/genesys-api-service/main.js',
};

/** The genesys-api-service as a sandbox runs it: Genesys Cloud and the tenant service simulated, its correlation events and dead letters watched. */
export const genesysSandboxedService = (options: {
  genesysLatencyMs?: number;
  genesysClock?: () => number;
}): SandboxedService<GenesysConfig, GenesysSimulators, GenesysObserved> => ({
  simulators: () => {
    const genesys = new GenesysCloudSimulator({ clock: options.genesysClock });
    genesys.latencyMs = options.genesysLatencyMs ?? 0;
    return { genesys, tenants: new TenantServiceSimulator() };
  },
  env: ({ genesys, tenants }) => ({
    TENANT_SERVICE_URL: tenants.url,
    TENANT_SERVICE_TOKEN: tenants.serviceToken,
    GENESYS_API_URL_TEMPLATE: genesys.apiUrlTemplate,
    GENESYS_LOGIN_URL_TEMPLATE: genesys.loginUrlTemplate,
  }),
  loadConfig: loadGenesysConfig,
  appModule: (config) => AppModule.forRoot(config),
  appLogger: (app) => app.get(Logger),
  topology: (config) => ({ workQueue: { ...inboundTopology(config.retry), queueKind: config.rabbitmq.queueKind } }),
  watch: {
    correlationEvents: { queue: GENESYS_CORRELATION_EVENTS_QUEUE.name },
    deadLetters: { exchange: GENESYS_INBOUND_QUEUE.deadLetterExchange, bindingKey: GENESYS_INBOUND_QUEUE.deadLetterRoutingKey },
  },
});
