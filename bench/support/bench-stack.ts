import { TopologyDeclarer } from '@lib/messaging';
import { createTestVhost, deleteRedisKeys, MetaGraphSimulator, TenantServiceSimulator, TestVhost } from '@lib/testing';
import { outboundTopology } from '../../apps/whatsapp-api-service/src/outbound/outbound-topology';

export interface BenchTenant {
  tenantId: string;
  phoneNumberId: string;
  accessToken: string;
  messagesPerSecond: number;
}

export interface BenchStack {
  vhost: TestVhost;
  /** One vhost per partition, `vhost` first (see `partitions`). */
  vhosts: TestVhost[];
  meta: MetaGraphSimulator;
  tenantService: TenantServiceSimulator;
  tenants: BenchTenant[];
  /** Environment for the service (or the bare consumer) under test. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * What one benchmark run needs besides the consumer: a vhost of its own with the service's topology,
 * the Meta and tenant-service simulators with `tenants` registered, and a Redis key prefix of its own.
 * With `partitions` above 1, a vhost per partition, each with the whole topology: what a partition queue
 * needs (wait and delay queues that bring a message back to its own partition), without the service
 * knowing partitions; the publisher routes as a consistent-hash exchange would.
 */
export async function startBenchStack(options: {
  name: string;
  tenants: number;
  messagesPerSecond: number;
  metaLatencyMs: number;
  partitions?: number;
}): Promise<BenchStack> {
  const vhosts = await Promise.all(
    Array.from({ length: options.partitions ?? 1 }, (_, partition) =>
      createTestVhost(partition ? `${options.name}-p${partition}` : options.name),
    ),
  );
  const vhost = vhosts[0];
  const meta = new MetaGraphSimulator();
  const tenantService = new TenantServiceSimulator();
  meta.latencyMs = options.metaLatencyMs;
  await Promise.all([meta.start(), tenantService.start()]);
  const tenants = Array.from({ length: options.tenants }, (_, i) => ({
    tenantId: `bench-${i}`,
    phoneNumberId: String(800000000000000 + i),
    accessToken: `EAAG-bench-${i}`,
    messagesPerSecond: options.messagesPerSecond,
  }));
  for (const tenant of tenants) {
    tenantService.addTenant(tenant);
    meta.addPhoneNumber({
      phoneNumberId: tenant.phoneNumberId,
      accessTokens: [tenant.accessToken],
      messagesPerSecond: tenant.messagesPerSecond,
    });
  }
  for (const { url } of vhosts) {
    await new TopologyDeclarer(url, 10_000).declare(outboundTopology({ maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 60000 }));
  }
  const env = {
    RABBITMQ_URL: vhost.url,
    TENANT_SERVICE_URL: tenantService.url,
    TENANT_SERVICE_TOKEN: tenantService.serviceToken,
    META_API_BASE_URL: meta.url,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_KEY_PREFIX: `bench-${Date.now()}:`,
  };
  return {
    vhost,
    vhosts,
    meta,
    tenantService,
    tenants,
    env,
    stop: async () => {
      await Promise.all([meta.stop(), tenantService.stop()]);
      await Promise.all(vhosts.map((partition) => partition.dispose()));
      // Each run leaves a ledger record per message for a day otherwise: a million keys after a day of benchmarks.
      await deleteRedisKeys(env.REDIS_URL, env.REDIS_KEY_PREFIX);
    },
  };
}
