import { GenesysCloudSimulator } from '../genesys/genesys-cloud.simulator';
import { JsonHttpSimulator } from '../json-http.simulator';
import { MetaGraphSimulator } from '../meta/meta-graph.simulator';
import { TenantServiceSimulator } from '../tenant-service/tenant-service.simulator';
import { LocalStackConfig, LocalTenant } from './local-stack.config';

/**
 * The Meta Graph API, Genesys Cloud and tenant-service simulators of a local stack, holding the same
 * tenants: the tenant service hands out the credentials the vendor simulators accept.
 */
export class LocalSimulators {
  readonly meta: MetaGraphSimulator;
  readonly genesys = new GenesysCloudSimulator();
  readonly tenantService: TenantServiceSimulator;

  private constructor(private readonly config: LocalStackConfig) {
    this.meta = new MetaGraphSimulator({ apiVersions: config.metaApiVersions });
    this.meta.latencyMs = config.metaLatencyMs;
    this.tenantService = new TenantServiceSimulator(config.tenantServiceToken);
    config.metaNumbers.forEach((number) => this.meta.addPhoneNumber(number));
    config.genesysClients.forEach((client) => this.genesys.addClient(client));
    // Copies: tests may change a stored tenant (rotate a token) without touching the defaults.
    config.tenants.forEach((tenant) => this.tenantService.addTenant(structuredClone(tenant)));
  }

  /** Starts all three, or none: a simulator that cannot listen stops those already started. */
  static async start(config: LocalStackConfig): Promise<LocalSimulators> {
    const simulators = new LocalSimulators(config);
    const { host, ports } = config;
    try {
      await listen(simulators.meta, 'Meta Graph API simulator', host, ports.meta, 'META_SIM_PORT');
      await listen(simulators.genesys, 'Genesys Cloud simulator', host, ports.genesys, 'GENESYS_SIM_PORT');
      await listen(simulators.tenantService, 'tenant service simulator', host, ports.tenantService, 'TENANT_SIM_PORT');
    } catch (error) {
      await simulators.stop();
      throw error;
    }
    return simulators;
  }

  /** Where each simulator listens and which tenants it knows; never a token or secret. */
  summary(): string[] {
    return [
      `Meta Graph API simulator on ${this.meta.url} (versions ${this.config.metaApiVersions.join(', ')})`,
      `Genesys Cloud simulator: login ${this.genesys.loginUrlTemplate}, API ${this.genesys.apiUrlTemplate}`,
      `Tenant service simulator on ${this.tenantService.url}`,
      `Tenants: ${this.config.tenants.map(describeTenant).join(', ')}`,
    ];
  }

  async stop(): Promise<void> {
    await Promise.all([this.meta.stop(), this.genesys.stop(), this.tenantService.stop()]);
  }
}

async function listen(simulator: JsonHttpSimulator, name: string, host: string, port: number, variable: string): Promise<void> {
  try {
    await simulator.start(port, host);
  } catch (error) {
    throw new Error(`${name} cannot listen on ${host}:${port} (${variable}): ${(error as Error).message}`, { cause: error });
  }
}

function describeTenant(tenant: LocalTenant): string {
  const whatsApp = 'phoneNumberId' in tenant && tenant.phoneNumberId ? [`phone-number-id ${tenant.phoneNumberId}`] : [];
  const genesys = tenant.genesys ? [`Genesys ${tenant.genesys.region} integration ${tenant.genesys.integrationId}`] : [];
  return `${tenant.tenantId} (${[...whatsApp, ...genesys].join('; ')})`;
}
