import { whatsappOutboundRoutingKey } from '@lib/contracts';
import { AppSandbox, MetaGraphSimulator, ObservedMessage, outboundEnvelope, ServiceSandbox, ServiceSandboxOptions } from '@lib/testing';
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
export class EgressSandbox extends AppSandbox<WhatsappConfig, WhatsappSimulators, WhatsappObserved, OutboundEnvelope> {
  private constructor(sandbox: ServiceSandbox<WhatsappConfig, WhatsappSimulators, WhatsappObserved>) {
    super(sandbox, whatsappOutboundRoutingKey);
  }

  static async start(options: SandboxOptions): Promise<EgressSandbox> {
    return new EgressSandbox(await ServiceSandbox.start(whatsappSandboxedService(options), options));
  }

  get meta(): MetaGraphSimulator {
    return this.sandbox.simulators.meta;
  }

  /** Every status event published since start. */
  get statusEvents(): ObservedMessage[] {
    return this.sandbox.observed.statusEvents;
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
}
