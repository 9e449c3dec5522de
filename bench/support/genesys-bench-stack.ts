import { TopologyDeclarer } from '@lib/messaging';
import { createTestVhost, deleteRedisKeys, GenesysCloudSimulator, TenantServiceSimulator, TestVhost } from '@lib/testing';
import { genesysTenant, GenesysSandboxTenant } from '../../apps/genesys-api-service/sandbox/genesys-sandbox';
import { inboundTopology } from '../../apps/genesys-api-service/src/inbound/inbound-topology';

/** Tenants are spread over these Genesys environments, as a platform's would be. */
const REGIONS = ['mypurecloud.ie', 'mypurecloud.de', 'mypurecloud.com', 'usw2.pure.cloud'] as const;

export interface GenesysBenchStack {
  vhost: TestVhost;
  genesys: GenesysCloudSimulator;
  tenantService: TenantServiceSimulator;
  tenants: GenesysSandboxTenant[];
  /** Environment for the service (or the bare consumer) under test. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * What one run of the genesys benchmark needs besides the consumer: a vhost of its own with the service's
 * topology, the Genesys Cloud simulator (every request answered after `genesysLatencyMs`, each token held
 * to Genesys's 300 requests a minute) and the tenant service with `tenants` tenants whose records name no
 * rate limit (the service's default: Genesys's 300 a minute, a burst of 10) or 300 a minute with
 * `burstSize`, and a Redis key prefix of its own.
 */
export async function startGenesysBenchStack(options: {
  name: string;
  tenants: number;
  genesysLatencyMs: number;
  /** The burst the tenant records allow (`rateLimits.burstSize`, at 300 a minute); none: the service's default. */
  burstSize?: number;
}): Promise<GenesysBenchStack> {
  const vhost = await createTestVhost(options.name);
  const genesys = new GenesysCloudSimulator();
  const tenantService = new TenantServiceSimulator();
  genesys.latencyMs = options.genesysLatencyMs;
  await Promise.all([genesys.start(), tenantService.start()]);
  const tenants = Array.from({ length: options.tenants }, (_, i) => genesysTenant(REGIONS[i % REGIONS.length]));
  const rateLimits = options.burstSize ? { rateLimits: { requestsPerMinute: 300, burstSize: options.burstSize } } : {};
  for (const { tenantId, region, clientId, clientSecret, integrationId } of tenants) {
    tenantService.addTenant({ tenantId, genesys: { region, clientId, clientSecret, integrationId, ...rateLimits } });
    genesys.addClient({ region, clientId, clientSecret, integrations: [integrationId] });
  }
  await new TopologyDeclarer(vhost.url, 10_000).declare(inboundTopology({ maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 60000 }));
  const env = {
    RABBITMQ_URL: vhost.url,
    TENANT_SERVICE_URL: tenantService.url,
    TENANT_SERVICE_TOKEN: tenantService.serviceToken,
    GENESYS_API_URL_TEMPLATE: genesys.apiUrlTemplate,
    GENESYS_LOGIN_URL_TEMPLATE: genesys.loginUrlTemplate,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_KEY_PREFIX: `bench-genesys-${Date.now()}:`,
  };
  return {
    vhost,
    genesys,
    tenantService,
    tenants,
    env,
    stop: async () => {
      await Promise.all([genesys.stop(), tenantService.stop()]);
      await vhost.dispose();
      // Each run leaves a ledger record per message for a day otherwise: a million keys after a day of benchmarks.
      await deleteRedisKeys(env.REDIS_URL, env.REDIS_KEY_PREFIX);
    },
  };
}
