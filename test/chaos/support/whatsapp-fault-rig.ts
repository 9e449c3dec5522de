import { MetaGraphSimulator, outboundEnvelope, TenantServiceSimulator } from '@lib/testing';
import { ServiceProcess } from '../../../apps/whatsapp-api-service/sandbox/service-process';
import { WHATSAPP_CHAOS } from './chaos-contract';
import { PublishedMessage } from './fault-outcome-count';
import { acceptedFor, FaultRig, faultRigEnv } from './fault-rig';

export interface ChaosTenant {
  tenantId: string;
  phoneNumberId: string;
  accessToken: string;
  messagesPerSecond: number;
}

/** `count` tenants named `{prefix}-{i}`, each with its own number and a throughput that never limits a scenario. */
export function chaosTenants(prefix: string, count: number, numberBase: number): ChaosTenant[] {
  return Array.from({ length: count }, (_, i) => ({
    tenantId: `${prefix}-${i}`,
    phoneNumberId: String(numberBase + i),
    accessToken: `EAAG-${prefix}-${i}`,
    messagesPerSecond: 1000,
  }));
}

export interface WhatsappFaultRigOptions {
  rabbitmqUrl: string;
  redisUrl: string;
  metaLatencyMs: number;
  tenants: ChaosTenant[];
  /** Service settings of the scenario (short retry delays, timeouts). */
  env?: Record<string, string>;
}

/** The whatsapp-api-service under fault: the Meta and tenant-service simulators with a scenario's tenants. */
export class WhatsappFaultRig implements FaultRig {
  readonly contract = WHATSAPP_CHAOS;
  private readonly services: ServiceProcess[] = [];

  private constructor(
    readonly meta: MetaGraphSimulator,
    readonly tenantService: TenantServiceSimulator,
    readonly env: Record<string, string>,
    private readonly tenants: ChaosTenant[],
  ) {}

  static async start(options: WhatsappFaultRigOptions): Promise<WhatsappFaultRig> {
    const meta = new MetaGraphSimulator();
    const tenantService = new TenantServiceSimulator();
    meta.latencyMs = options.metaLatencyMs;
    await Promise.all([meta.start(), tenantService.start()]);
    for (const tenant of options.tenants) {
      tenantService.addTenant({ ...tenant });
      meta.addPhoneNumber({
        phoneNumberId: tenant.phoneNumberId,
        accessTokens: [tenant.accessToken],
        messagesPerSecond: tenant.messagesPerSecond,
      });
    }
    const env = faultRigEnv(options, tenantService, {
      META_API_BASE_URL: meta.url,
    });
    return new WhatsappFaultRig(meta, tenantService, env, options.tenants);
  }

  async startService(): Promise<ServiceProcess> {
    const service = await ServiceProcess.start(this.env);
    this.services.push(service);
    return service;
  }

  /** Text messages, one per distinct recipient `{recipientPrefix}{i}`, spread over `tenants` in turn. */
  envelopes(tenants: ChaosTenant[], count: number, recipientPrefix: string) {
    const envelopes = Array.from({ length: count }, (_, i) =>
      outboundEnvelope({ ...tenants[i % tenants.length], to: `${recipientPrefix}${String(i).padStart(6, '0')}` }),
    );
    const published: PublishedMessage[] = envelopes.map((e) => ({
      id: e.metadata.internalId,
      tenantId: e.metadata.tenantId,
      sendKey: e.wabaPayload.to as string,
    }));
    return { envelopes, published };
  }

  /** Text messages spread over every tenant of the rig, to recipients `{label}{i}` (`label` a phone number prefix). */
  batch(count: number, label: string) {
    return this.envelopes(this.tenants, count, label);
  }

  /** Every tenth message, from the fourth, fails once with Meta's transient 131000. */
  failSomeOnce(published: PublishedMessage[]): void {
    published.filter((_, i) => i % 10 === 3).forEach(({ sendKey }) => this.meta.inject('131000', { match: { to: sendKey }, times: 1 }));
  }

  acceptedCalls(): { sendKey: string; receivedAt: number }[] {
    return this.meta.accepted().map((request) => ({ sendKey: request.body?.to as string, receivedAt: request.receivedAt }));
  }

  /** Meta calls answered 200 for these recipients so far. */
  acceptedFor(published: PublishedMessage[]): number {
    return acceptedFor(this, published);
  }

  async stop(): Promise<void> {
    await Promise.all(this.services.map((service) => service.stop('SIGKILL')));
    await Promise.all([this.meta.stop(), this.tenantService.stop()]);
  }
}
