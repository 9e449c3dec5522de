import { genesysInboundRoutingKey } from '@lib/contracts';
import {
  AppSandbox,
  GenesysCloudSimulator,
  inboundEnvelope,
  inboundReceipt,
  ObservedMessage,
  ServiceSandbox,
  ServiceSandboxOptions,
  SimulatedGenesysClient,
} from '@lib/testing';
import { randomUUID } from 'node:crypto';
import { GenesysConfig } from '../src/config/genesys.config';
import { GenesysObserved, genesysSandboxedService, GenesysSimulators } from './genesys-sandboxed-service';

export interface GenesysSandboxOptions extends ServiceSandboxOptions {
  genesysLatencyMs?: number;
  /** Genesys's clock (token expiry, the per-minute window); a clock ahead of ours brings a 429's `Retry-After` within a test. */
  genesysClock?: () => number;
}

/** A tenant of the platform and its Genesys org: one OAuth client of one region, one Open Messaging integration. */
export interface GenesysSandboxTenant {
  tenantId: string;
  region: SimulatedGenesysClient['region'];
  clientId: string;
  clientSecret: string;
  integrationId: string;
  rateLimits?: { requestsPerMinute: number; burstSize: number };
}

/** A customer's message or a receipt, as upstream publishes them. */
type InboundEnvelope = ReturnType<typeof inboundEnvelope> | ReturnType<typeof inboundReceipt>;

/**
 * The genesys-api-service in process, wired to a real broker and to the Genesys Cloud and tenant-service
 * simulators, with a probe on its correlation events and dead letters. Used by the demo, the end-to-end
 * tests and the benchmark.
 */
export class GenesysSandbox extends AppSandbox<GenesysConfig, GenesysSimulators, GenesysObserved, InboundEnvelope> {
  private constructor(sandbox: ServiceSandbox<GenesysConfig, GenesysSimulators, GenesysObserved>) {
    super(sandbox, genesysInboundRoutingKey);
  }

  static async start(options: GenesysSandboxOptions): Promise<GenesysSandbox> {
    return new GenesysSandbox(await ServiceSandbox.start(genesysSandboxedService(options), options));
  }

  get genesys(): GenesysCloudSimulator {
    return this.sandbox.simulators.genesys;
  }

  get correlationEvents(): ObservedMessage[] {
    return this.sandbox.observed.correlationEvents;
  }

  /** Registers a tenant with the tenant service, and its OAuth client and integration with Genesys. */
  addTenant(tenant: GenesysSandboxTenant & { requestsPerMinute?: number; expiresInS?: number }): GenesysSandboxTenant {
    const { tenantId, region, clientId, clientSecret, integrationId, rateLimits } = tenant;
    this.tenants.addTenant({ tenantId, genesys: { region, clientId, clientSecret, integrationId, ...(rateLimits ? { rateLimits } : {}) } });
    this.genesys.addClient({
      region,
      clientId,
      clientSecret,
      integrations: [integrationId],
      ...(tenant.requestsPerMinute ? { requestsPerMinute: tenant.requestsPerMinute } : {}),
      ...(tenant.expiresInS ? { expiresInS: tenant.expiresInS } : {}),
    });
    return tenant;
  }

  correlationOf(whatsappMessageId: string): any {
    return this.correlationEvents.map((event) => event.json()).find((event) => event.whatsapp_message_id === whatsappMessageId);
  }

  correlationsOf(whatsappMessageId: string): any[] {
    return this.correlationEvents.map((event) => event.json()).filter((event) => event.whatsapp_message_id === whatsappMessageId);
  }

  deadLetterOf(whatsappMessageId: string): ObservedMessage | undefined {
    return this.deadLetters.find((message) => message.headers['x-whatsapp-message-id'] === whatsappMessageId);
  }

  async waitForCorrelation(whatsappMessageId: string, timeoutMs = 15_000): Promise<any> {
    const event = await this.sandbox.waitFor(
      'correlationEvents',
      (message) => message.json().whatsapp_message_id === whatsappMessageId,
      `a correlation event for ${whatsappMessageId}`,
      timeoutMs,
    );
    return event.json();
  }

  async waitForDeadLetter(whatsappMessageId: string, timeoutMs = 15_000): Promise<ObservedMessage> {
    return this.sandbox.waitFor(
      'deadLetters',
      (message) => message.headers['x-whatsapp-message-id'] === whatsappMessageId,
      `a dead letter of ${whatsappMessageId}`,
      timeoutMs,
    );
  }
}

/** A tenant with a fresh UUID, its client and integration, in `region`. */
export function genesysTenant(
  region: SimulatedGenesysClient['region'] = 'mypurecloud.ie',
  overrides: Partial<GenesysSandboxTenant> = {},
): GenesysSandboxTenant {
  const tenantId = randomUUID();
  return {
    tenantId,
    region,
    clientId: `client-${tenantId.slice(0, 8)}`,
    clientSecret: `secret-${randomUUID()}`,
    integrationId: randomUUID(),
    ...overrides,
  };
}
