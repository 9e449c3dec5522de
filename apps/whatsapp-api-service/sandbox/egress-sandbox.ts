import { INestApplication } from '@nestjs/common';
import { whatsappOutboundRoutingKey } from '@lib/contracts';
import {
  BrokerProbe,
  MetaGraphSimulator,
  ObservedMessage,
  outboundEnvelope,
  ServiceSandbox,
  ServiceSandboxOptions,
  TenantServiceSimulator,
} from '@lib/testing';
import { WhatsappConfig } from '../src/config/whatsapp.config';
import { WhatsappObserved, whatsappSandboxedService, WhatsappSimulators } from './whatsapp-sandboxed-service';

export interface SandboxOptions extends ServiceSandboxOptions {
  metaLatencyMs?: number;
}

export interface SandboxTenant {
  tenantId: string;
  phoneNumberId: string;
  accessToken: string;
}

type OutboundEnvelope = ReturnType<typeof outboundEnvelope>;

/**
 * The whatsapp-api-service in process, wired to a real broker and to the Meta and tenant-service
 * simulators, with a probe that watches status events and dead-letters. Used by the demo and the
 * end-to-end tests.
 */
export class EgressSandbox {
  private constructor(private readonly sandbox: ServiceSandbox<WhatsappConfig, WhatsappSimulators, WhatsappObserved>) {}

  static async start(options: SandboxOptions): Promise<EgressSandbox> {
    return new EgressSandbox(await ServiceSandbox.start(whatsappSandboxedService(options), options));
  }

  get meta(): MetaGraphSimulator {
    return this.sandbox.simulators.meta;
  }

  get tenants(): TenantServiceSimulator {
    return this.sandbox.simulators.tenants;
  }

  get probe(): BrokerProbe {
    return this.sandbox.probe;
  }

  /** Every status event published since start. */
  get statusEvents(): ObservedMessage[] {
    return this.sandbox.observed.statusEvents;
  }

  /** A copy of every message dead-lettered since start (the dead-letter queue itself is left alone). */
  get deadLetters(): ObservedMessage[] {
    return this.sandbox.observed.deadLetters;
  }

  /** The environment the service was started with: another replica can be started with the same. */
  get env(): Record<string, string> {
    return this.sandbox.env;
  }

  /** The in-process service. */
  get app(): INestApplication {
    return this.sandbox.app;
  }

  /** Registers a tenant with the tenant service and its phone number with Meta. */
  addTenant(tenant: SandboxTenant & { status?: 'active' | 'suspended' | 'expired'; messagesPerSecond?: number }): SandboxTenant {
    this.tenants.addTenant({ ...tenant });
    this.meta.addPhoneNumber({
      phoneNumberId: tenant.phoneNumberId,
      accessTokens: [tenant.accessToken],
      messagesPerSecond: tenant.messagesPerSecond,
    });
    return tenant;
  }

  /** Publishes an envelope (or raw bytes) as upstream does, with `outbound.processed.{tenantId}`. */
  async publish(message: OutboundEnvelope | Buffer | string, tenantId?: string): Promise<void> {
    const tenant = tenantId ?? (typeof message === 'object' && !Buffer.isBuffer(message) ? message.metadata.tenantId : 'unknown');
    await this.sandbox.publish(whatsappOutboundRoutingKey(tenant), message);
  }

  /**
   * Publishes an envelope as if it came back from one of the service's own wait queues, carrying the
   * bookkeeping `headers` the service would have written (e.g. an `x-first-seen-at` a day ago).
   */
  async publishAsReturning(envelope: OutboundEnvelope, headers: Record<string, unknown>): Promise<void> {
    await this.sandbox.publishAsReturning(whatsappOutboundRoutingKey(envelope.metadata.tenantId), envelope, headers);
  }

  statusOf(internalId: string): any {
    return this.statusEvents.map((event) => event.json()).find((event) => event.internalId === internalId);
  }

  deadLetterOf(internalId: string): ObservedMessage | undefined {
    return this.deadLetters.find((message) => message.headers['x-internal-id'] === internalId);
  }

  async waitForStatus(internalId: string, timeoutMs = 15_000): Promise<any> {
    const event = await this.sandbox.waitFor(
      'statusEvents',
      (message) => message.json().internalId === internalId,
      `a status event for ${internalId}`,
      timeoutMs,
    );
    return event.json();
  }

  async stop(): Promise<void> {
    await this.sandbox.stop();
  }
}
