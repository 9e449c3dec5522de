import { INestApplication } from '@nestjs/common';
import { TopologyDeclarer } from '@lib/messaging';
import { NestFactory } from '@nestjs/core';
import { BrokerProbe, MetaGraphSimulator, ObservedMessage, outboundEnvelope, TenantServiceSimulator, waitUntil } from '@lib/testing';
import Redis from 'ioredis';
import { Logger } from 'nestjs-pino';
import { randomBytes } from 'node:crypto';
import { AppModule } from '../src/app.module';
import { loadWhatsappConfig, WhatsappConfig } from '../src/config/whatsapp.config';
import { WHATSAPP_OUTBOUND_QUEUE } from '@lib/contracts';
import { outboundTopology } from '../src/outbound/outbound-topology';

export interface SandboxOptions {
  rabbitmqUrl: string;
  /** Extra environment for the service (e.g. RETRY_BASE_DELAY_MS). */
  env?: Record<string, string>;
  metaLatencyMs?: number;
  /** Use this Redis (with a key prefix of the run's own, removed at stop) for shared state. */
  redisUrl?: string;
  /** Start the service in this process (default). Without it, run replicas with `ServiceProcess` and `env`. */
  inProcessService?: boolean;
}

export interface SandboxTenant {
  tenantId: string;
  phoneNumberId: string;
  accessToken: string;
}

/**
 * The whatsapp-api-service in process, wired to a real broker and to the Meta and tenant-service
 * simulators, with a probe that watches status events and dead-letters. Used by the demo and the
 * end-to-end tests.
 */
export class EgressSandbox {
  private constructor(
    private readonly service: INestApplication | undefined,
    readonly meta: MetaGraphSimulator,
    readonly tenants: TenantServiceSimulator,
    readonly probe: BrokerProbe,
    /** Every status event published since start. */
    readonly statusEvents: ObservedMessage[],
    /** A copy of every message dead-lettered since start (the dead-letter queue itself is left alone). */
    readonly deadLetters: ObservedMessage[],
    /** The environment the service was started with: another replica can be started with the same. */
    readonly env: Record<string, string>,
  ) {}

  static async start(options: SandboxOptions): Promise<EgressSandbox> {
    const meta = new MetaGraphSimulator();
    const tenants = new TenantServiceSimulator();
    meta.latencyMs = options.metaLatencyMs ?? 0;
    await Promise.all([meta.start(), tenants.start()]);
    const env = {
      RABBITMQ_URL: options.rabbitmqUrl,
      TENANT_SERVICE_URL: tenants.url,
      TENANT_SERVICE_TOKEN: tenants.serviceToken,
      META_API_BASE_URL: meta.url,
      PORT: '0',
      LOG_LEVEL: 'silent',
      ...(options.redisUrl ? { REDIS_URL: options.redisUrl, REDIS_KEY_PREFIX: `test-${randomBytes(4).toString('hex')}:` } : {}),
      ...options.env,
    };
    const config = loadWhatsappConfig(env);
    // Meta refuses versions it does not serve; the simulated one serves exactly the service's.
    meta.apiVersions = [config.meta.apiVersion];
    // Without the in-process service nobody has declared the topology yet, and the probe binds to it.
    if (options.inProcessService === false) await new TopologyDeclarer(options.rabbitmqUrl, 10_000).declare(outboundTopology(config.retry));
    const service = options.inProcessService === false ? undefined : await startService(config);
    const probe = await BrokerProbe.connect(options.rabbitmqUrl);
    const statusEvents = await probe.watch(WHATSAPP_OUTBOUND_QUEUE.exchange, 'outbound.status.*');
    const deadLetters = await probe.watch(WHATSAPP_OUTBOUND_QUEUE.deadLetterExchange, WHATSAPP_OUTBOUND_QUEUE.deadLetterRoutingKey);
    return new EgressSandbox(service, meta, tenants, probe, statusEvents, deadLetters, env);
  }

  /** The in-process service. */
  get app(): INestApplication {
    if (!this.service) throw new Error('this sandbox was started without an in-process service');
    return this.service;
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
  async publish(message: ReturnType<typeof outboundEnvelope> | Buffer | string, tenantId?: string): Promise<void> {
    const tenant = tenantId ?? (typeof message === 'object' && !Buffer.isBuffer(message) ? message.metadata.tenantId : 'unknown');
    await this.probe.publish(WHATSAPP_OUTBOUND_QUEUE.exchange, `outbound.processed.${tenant}`, message);
  }

  /**
   * Publishes an envelope as if it came back from one of the service's own wait queues, carrying the
   * bookkeeping `headers` the service would have written (e.g. an `x-first-seen-at` a day ago): it
   * goes into the first tier's wait queue and expires from there into the work queue at once. The
   * only way in for such headers, since the service ignores them on a publisher's first delivery.
   */
  async publishAsReturning(envelope: ReturnType<typeof outboundEnvelope>, headers: Record<string, unknown>): Promise<void> {
    const [firstTier] = outboundTopology(loadWhatsappConfig(this.env).retry).retryDelayTiersMs;
    const waitQueue = `${WHATSAPP_OUTBOUND_QUEUE.queue}.retry.${firstTier}ms`;
    await this.probe.publish('', waitQueue, envelope, {
      expiration: '0',
      headers: { 'x-original-routing-key': `outbound.processed.${envelope.metadata.tenantId}`, ...headers },
    });
  }

  statusOf(internalId: string): any {
    return this.statusEvents.map((event) => event.json()).find((event) => event.internalId === internalId);
  }

  deadLetterOf(internalId: string): ObservedMessage | undefined {
    return this.deadLetters.find((message) => message.headers['x-internal-id'] === internalId);
  }

  async waitForStatus(internalId: string, timeoutMs = 15_000): Promise<any> {
    await waitUntil(`a status event for ${internalId}`, () => this.statusOf(internalId) !== undefined, timeoutMs);
    return this.statusOf(internalId);
  }

  async stop(): Promise<void> {
    await this.service?.close();
    await this.probe.close();
    await Promise.all([this.meta.stop(), this.tenants.stop()]);
    if (this.env.REDIS_URL) await deleteKeys(this.env.REDIS_URL, this.env.REDIS_KEY_PREFIX).catch(() => undefined);
  }
}

async function startService(config: WhatsappConfig): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config), { bufferLogs: true, abortOnError: false });
  app.useLogger(app.get(Logger));
  await app.listen(0, '127.0.0.1');
  return app;
}

async function deleteKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, retryStrategy: () => null, lazyConnect: true });
  redis.on('error', () => undefined);
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
