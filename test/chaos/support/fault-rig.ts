import { MetaGraphSimulator, outboundEnvelope, TenantServiceSimulator, waitUntil } from '@lib/testing';
import { ServiceProcess } from '../../../apps/whatsapp-api-service/sandbox/service-process';
import { countOutcomes, OutcomeCount, PublishedMessage } from './fault-outcome-count';
import { FaultObserver, OBSERVER_QUEUES } from './fault-observer';

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

export interface FaultRigOptions {
  rabbitmqUrl: string;
  redisUrl: string;
  metaLatencyMs: number;
  tenants: ChaosTenant[];
  /** Service settings of the scenario (short retry delays, timeouts). */
  env?: Record<string, string>;
}

/**
 * The Meta and tenant-service simulators with a scenario's tenants, and the service as separate
 * processes (so that one can be killed) configured against them, the broker and Redis.
 */
export class FaultRig {
  private readonly services: ServiceProcess[] = [];

  private constructor(
    readonly meta: MetaGraphSimulator,
    readonly tenantService: TenantServiceSimulator,
    readonly env: Record<string, string>,
  ) {}

  static async start(options: FaultRigOptions): Promise<FaultRig> {
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
    const env = {
      RABBITMQ_URL: options.rabbitmqUrl,
      REDIS_URL: options.redisUrl,
      REDIS_KEY_PREFIX: 'chaos:',
      TENANT_SERVICE_URL: tenantService.url,
      TENANT_SERVICE_TOKEN: tenantService.serviceToken,
      META_API_BASE_URL: meta.url,
      LOG_LEVEL: 'warn',
      ...options.env,
    };
    return new FaultRig(meta, tenantService, env);
  }

  /** Starts one more service process with the rig's environment and waits until it is ready. */
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
      internalId: e.metadata.internalId,
      tenantId: e.metadata.tenantId,
      to: e.wabaPayload.to as string,
    }));
    return { envelopes, published };
  }

  /** Meta calls answered 200 for these recipients so far. */
  acceptedFor(published: PublishedMessage[]): number {
    const recipients = new Set(published.map((message) => message.to));
    return new Set(
      this.meta
        .accepted()
        .filter((request) => recipients.has(request.body?.to))
        .map((request) => request.body.to),
    ).size;
  }

  async stop(): Promise<void> {
    await Promise.all(this.services.map((service) => service.stop('SIGKILL')));
    await Promise.all([this.meta.stop(), this.tenantService.stop()]);
  }
}

/** `rabbitmqctl list_queues name messages` of the scenario's vhost (ready plus unacknowledged). */
export type QueueLister = () => Promise<string>;

async function workLeft(listQueues: QueueLister): Promise<Record<string, number>> {
  const left: Record<string, number> = {};
  for (const line of (await listQueues()).split('\n')) {
    const [name, messages] = line.trim().split('\t');
    if (name && /^\d+$/.test(messages ?? '') && Number(messages) > 0 && !OBSERVER_QUEUES.includes(name)) left[name] = Number(messages);
  }
  return left;
}

/**
 * Waits until every published message was sent or dead-lettered and no queue of the vhost holds a
 * message any more (nothing waits for a retry, nothing is unacknowledged), then counts the outcomes.
 * A timeout fails with what was still missing.
 */
export async function settleAndCount(
  rig: FaultRig,
  observer: FaultObserver,
  published: PublishedMessage[],
  listQueues: QueueLister,
  timeoutMs: number,
): Promise<OutcomeCount> {
  const count = () =>
    countOutcomes({ published, metaRequests: rig.meta.requests, statusEvents: observer.statusEvents, deadLetters: observer.deadLetters });
  const deadline = Date.now() + timeoutMs;
  let left: Record<string, number> = {};
  for (;;) {
    const outcome = count();
    if (outcome.lost === 0) {
      left = await workLeft(listQueues);
      if (Object.keys(left).length === 0) return count();
    }
    if (Date.now() > deadline) {
      throw new Error(
        `not settled after ${timeoutMs} ms: ${outcome.lost} of ${published.length} neither sent nor dead-lettered; queues ${JSON.stringify(left)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Waits until each of `internalIds` has a `sent` status event (they are consumed a moment after the ack). */
export async function waitForSentEvents(observer: FaultObserver, internalIds: string[], timeoutMs = 10_000): Promise<void> {
  await waitUntil(
    `a sent status event for each of ${internalIds.length} sent messages`,
    () => {
      const reported = new Set(observer.statusEvents.filter((event) => event?.status === 'sent').map((event) => event.internalId));
      return internalIds.every((id) => reported.has(id));
    },
    timeoutMs,
  );
}

/** How many status events the service logged as refused or unconfirmed (either may be missing; the log keeps the event). */
export function unpublishedStatusEvents(service: ServiceProcess): number {
  return service
    .output()
    .split('\n')
    .filter((line) => /"status_event_(not_published|unconfirmed)"/.test(line)).length;
}
