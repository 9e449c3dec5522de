import { INestApplication } from '@nestjs/common';
import { genesysInboundRoutingKey } from '@lib/contracts';
import {
  BrokerProbe,
  GenesysCloudSimulator,
  inboundEnvelope,
  ObservedMessage,
  ServiceSandbox,
  ServiceSandboxOptions,
  SimulatedGenesysClient,
  TenantServiceSimulator,
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

type InboundEnvelope = ReturnType<typeof inboundEnvelope>;

/**
 * The genesys-api-service in process, wired to a real broker and to the Genesys Cloud and tenant-service
 * simulators, with a probe on its correlation events and dead letters. Used by the demo, the end-to-end
 * tests and the benchmark.
 */
export class GenesysSandbox {
  private constructor(private readonly sandbox: ServiceSandbox<GenesysConfig, GenesysSimulators, GenesysObserved>) {}

  static async start(options: GenesysSandboxOptions): Promise<GenesysSandbox> {
    return new GenesysSandbox(await ServiceSandbox.start(genesysSandboxedService(options), options));
  }

  get genesys(): GenesysCloudSimulator {
    return this.sandbox.simulators.genesys;
  }

  get tenants(): TenantServiceSimulator {
    return this.sandbox.simulators.tenants;
  }

  get probe(): BrokerProbe {
    return this.sandbox.probe;
  }

  get correlationEvents(): ObservedMessage[] {
    return this.sandbox.observed.correlationEvents;
  }

  get deadLetters(): ObservedMessage[] {
    return this.sandbox.observed.deadLetters;
  }

  get env(): Record<string, string> {
    return this.sandbox.env;
  }

  get app(): INestApplication {
    return this.sandbox.app;
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

  /** Publishes an envelope (or raw bytes) as upstream does, with `inbound.processed.{tenantId}`. */
  async publish(message: InboundEnvelope | Buffer | string, tenantId?: string): Promise<void> {
    const tenant = tenantId ?? (typeof message === 'object' && !Buffer.isBuffer(message) ? message.metadata.tenantId : 'unknown');
    await this.sandbox.publish(genesysInboundRoutingKey(tenant), message);
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

  async stop(): Promise<void> {
    await this.sandbox.stop();
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
