import { GenesysCloudSimulator, GenesysFaultContext, inboundEnvelope, ServiceProcess, TenantServiceSimulator } from '@lib/testing';
import { genesysTenant, GenesysSandboxTenant } from '../../../apps/genesys-api-service/sandbox/genesys-sandbox';
import { GENESYS_ENTRY_POINT } from '../../../apps/genesys-api-service/sandbox/genesys-sandboxed-service';
import { GENESYS_CHAOS } from './chaos-contract';
import { PublishedMessage } from './fault-outcome-count';
import { acceptedFor, FaultRig, faultRigEnv } from './fault-rig';

/** Far above what a scenario sends: neither the service's own limit nor Genesys's per-token limit slows it. */
const UNLIMITED = 600_000;
const REGIONS = ['mypurecloud.ie', 'mypurecloud.de'] as const;

/** `count` tenants over two regions, each with its OAuth client and integration and a rate that never limits a scenario. */
export function genesysChaosTenants(count: number): GenesysSandboxTenant[] {
  return Array.from({ length: count }, (_, i) =>
    genesysTenant(REGIONS[i % REGIONS.length], { rateLimits: { requestsPerMinute: UNLIMITED, burstSize: UNLIMITED } }),
  );
}

export interface GenesysFaultRigOptions {
  rabbitmqUrl: string;
  redisUrl: string;
  genesysLatencyMs: number;
  tenants: GenesysSandboxTenant[];
  /** Service settings of the scenario (short retry delays, timeouts). */
  env?: Record<string, string>;
}

/** The genesys-api-service under fault: the Genesys Cloud and tenant-service simulators with a scenario's tenants. */
export class GenesysFaultRig implements FaultRig {
  readonly contract = GENESYS_CHAOS;
  private readonly services: ServiceProcess[] = [];

  private constructor(
    readonly genesys: GenesysCloudSimulator,
    readonly tenantService: TenantServiceSimulator,
    readonly env: Record<string, string>,
    private readonly tenants: GenesysSandboxTenant[],
  ) {}

  static async start(options: GenesysFaultRigOptions): Promise<GenesysFaultRig> {
    const genesys = new GenesysCloudSimulator();
    const tenantService = new TenantServiceSimulator();
    genesys.latencyMs = options.genesysLatencyMs;
    await Promise.all([genesys.start(), tenantService.start()]);
    for (const { tenantId, region, clientId, clientSecret, integrationId, rateLimits } of options.tenants) {
      tenantService.addTenant({
        tenantId,
        genesys: { region, clientId, clientSecret, integrationId, ...(rateLimits ? { rateLimits } : {}) },
      });
      genesys.addClient({ region, clientId, clientSecret, integrations: [integrationId], requestsPerMinute: UNLIMITED });
    }
    const env = faultRigEnv(options, tenantService, {
      GENESYS_API_URL_TEMPLATE: genesys.apiUrlTemplate,
      GENESYS_LOGIN_URL_TEMPLATE: genesys.loginUrlTemplate,
    });
    return new GenesysFaultRig(genesys, tenantService, env, options.tenants);
  }

  async startService(): Promise<ServiceProcess> {
    const service = await ServiceProcess.start(GENESYS_ENTRY_POINT, this.env);
    this.services.push(service);
    return service;
  }

  /**
   * Text messages spread over the rig's tenants, each from a customer of its own (`{label}{i}`, so that
   * no conversation orders them), named in Genesys's log by their WhatsApp message id.
   */
  batch(count: number, label: string) {
    const customerPrefix = label.replace(/\D/g, '');
    const envelopes = Array.from({ length: count }, (_, i) =>
      inboundEnvelope({ tenantId: this.tenants[i % this.tenants.length].tenantId, from: `${customerPrefix}${String(i).padStart(6, '0')}` }),
    );
    const published: PublishedMessage[] = envelopes.map((e) => ({
      id: e.metadata.whatsapp_message_id,
      tenantId: e.metadata.tenantId,
      sendKey: e.metadata.whatsapp_message_id,
    }));
    return { envelopes, published };
  }

  /**
   * Every tenth inbound-message call, from the fourth, answers 503, as many times as a tenth of `published`:
   * Genesys's faults match a call's region, endpoint, client or integration, never its body, so the calls
   * are picked by their order.
   */
  failSomeOnce(published: PublishedMessage[]): void {
    let calls = 0;
    const everyTenth = (context: GenesysFaultContext) => context.endpoint === 'message' && calls++ % 10 === 3;
    this.genesys.faults.inject({ kind: 'error', error: 503 }, { match: everyTenth, times: Math.ceil(published.length / 10) });
  }

  acceptedCalls(): { sendKey: string; receivedAt: number }[] {
    return this.genesys
      .accepted()
      .map((request) => ({ sendKey: (request.body as any)?.channel?.messageId, receivedAt: request.receivedAt }));
  }

  /** Genesys calls answered 200 for these messages so far. */
  acceptedFor(published: PublishedMessage[]): number {
    return acceptedFor(this, published);
  }

  async stop(): Promise<void> {
    await Promise.all(this.services.map((service) => service.stop('SIGKILL')));
    await Promise.all([this.genesys.stop(), this.tenantService.stop()]);
  }
}
