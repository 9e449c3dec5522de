import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DeliveryHeader } from '@lib/messaging/outcome/delivery-headers';
import { retryQueueName } from '@lib/messaging/topology/work-queue-topology';
import { BrokerProbe, ObservedMessage, waitUntil } from '../rabbitmq/broker-probe';
import { declareSandboxTopology } from './declare-sandbox-topology';
import { deleteRedisKeys, runOwnRedisEnv } from './run-own-redis-keys';
import { ProbeSource, SandboxedService, SandboxSimulators, SandboxTopology } from './sandboxed-service';

export interface ServiceSandboxOptions {
  rabbitmqUrl: string;
  /** Extra environment for the service (e.g. RETRY_BASE_DELAY_MS); wins over the sandbox's own. */
  env?: Record<string, string>;
  /** Use this Redis (with a key prefix of the run's own, removed at stop) for shared state. */
  redisUrl?: string;
  /** Start the service in this process (default). Without it, run replicas with `ServiceProcess` and `env`. */
  inProcessService?: boolean;
}

/** What a sandbox holds while it runs; also what a failed start releases. */
interface SandboxParts<S extends SandboxSimulators> {
  simulators: S;
  env: Record<string, string>;
  app?: INestApplication;
  probe?: BrokerProbe;
}

/**
 * A service wired to a real broker and to simulators of the APIs it calls, with a probe that collects
 * what it emits (outcome events, dead letters). The service is described by a `SandboxedService`;
 * apps build their own sandbox, with their convenience methods, on this one.
 */
export class ServiceSandbox<C, S extends SandboxSimulators, W extends string> {
  private constructor(
    private readonly parts: SandboxParts<S> & { probe: BrokerProbe },
    /** The configuration the service was started with. */
    readonly config: C,
    readonly topology: SandboxTopology,
    /** Every message the probe collected since start, by the name the service gave its source. */
    readonly observed: Record<W, ObservedMessage[]>,
  ) {}

  static async start<C, S extends SandboxSimulators, W extends string>(
    service: SandboxedService<C, S, W>,
    options: ServiceSandboxOptions,
  ): Promise<ServiceSandbox<C, S, W>> {
    const parts: SandboxParts<S> = { simulators: service.simulators(), env: {} };
    try {
      await Promise.all(Object.values(parts.simulators).map((simulator) => simulator.start()));
      // The variables every egress service reads the same way (the service lib's shared schema).
      parts.env = {
        RABBITMQ_URL: options.rabbitmqUrl,
        ...service.env(parts.simulators),
        PORT: '0',
        LOG_LEVEL: 'silent',
        ...(options.redisUrl ? runOwnRedisEnv(options.redisUrl) : {}),
        ...options.env,
      };
      const config = service.loadConfig(parts.env);
      service.fitSimulators?.(parts.simulators, config);
      const topology = service.topology(config);
      // Without the in-process service nobody has declared the topology yet, and the probe binds to it.
      if (options.inProcessService === false) await declareSandboxTopology(options.rabbitmqUrl, topology);
      else parts.app = await startInProcess(service, config);
      const probe = (parts.probe = await BrokerProbe.connect(options.rabbitmqUrl));
      const observed = {} as Record<W, ObservedMessage[]>;
      for (const [name, source] of Object.entries<ProbeSource>(service.watch)) observed[name as W] = await watch(probe, source);
      return new ServiceSandbox({ ...parts, probe }, config, topology, observed);
    } catch (error) {
      // The start's own error is the one to report; releasing what did start is best effort.
      await release(parts).catch(() => undefined);
      throw error;
    }
  }

  get simulators(): S {
    return this.parts.simulators;
  }

  get probe(): BrokerProbe {
    return this.parts.probe;
  }

  /** The environment the service was started with: another replica can be started with the same. */
  get env(): Record<string, string> {
    return this.parts.env;
  }

  /** The in-process service. */
  get app(): INestApplication {
    if (!this.parts.app) throw new Error('this sandbox was started without an in-process service');
    return this.parts.app;
  }

  /** Publishes `body` (an object as JSON, or raw bytes) to the service's work exchange, as its publishers do. */
  async publish(routingKey: string, body: unknown): Promise<void> {
    await this.probe.publish(this.topology.workQueue.exchange, routingKey, body);
  }

  /**
   * Publishes `body` as if it came back from one of the service's own wait queues, carrying the
   * bookkeeping `headers` the service would have written (e.g. an `x-first-seen-at` a day ago): it
   * goes into the first tier's wait queue and expires from there into the work queue at once. The
   * only way in for such headers, since a service ignores them on a publisher's first delivery.
   */
  async publishAsReturning(routingKey: string, body: unknown, headers: Record<string, unknown>): Promise<void> {
    const { workQueue } = this.topology;
    const [firstTier] = workQueue.retryDelayTiersMs;
    if (firstTier === undefined) throw new Error(`the topology of '${workQueue.queue}' has no wait queue to come back from`);
    await this.probe.publish('', retryQueueName(workQueue, firstTier), body, {
      expiration: '0',
      headers: { [DeliveryHeader.ORIGINAL_ROUTING_KEY]: routingKey, ...headers },
    });
  }

  /** The first message collected from `source` that `matches`, once there is one. */
  async waitFor(
    source: W,
    matches: (message: ObservedMessage) => boolean,
    description: string,
    timeoutMs = 15_000,
  ): Promise<ObservedMessage> {
    await waitUntil(description, () => this.observed[source].some(matches), timeoutMs);
    return this.observed[source].find(matches)!;
  }

  /** Stops the service, the probe and the simulators, and removes the run's Redis keys. */
  async stop(): Promise<void> {
    await release(this.parts);
  }
}

async function startInProcess<C>(service: SandboxedService<C, SandboxSimulators, string>, config: C): Promise<INestApplication> {
  const app = await NestFactory.create(service.appModule(config), {
    abortOnError: false,
    ...(service.appLogger ? { bufferLogs: true } : { logger: ['error', 'warn'] }),
  });
  if (service.appLogger) app.useLogger(service.appLogger(app));
  await app.listen(0, '127.0.0.1');
  return app;
}

async function watch(probe: BrokerProbe, source: ProbeSource): Promise<ObservedMessage[]> {
  return 'queue' in source ? probe.watchQueue(source.queue) : probe.watch(source.exchange, source.bindingKey);
}

/** Releases every part even when one fails to, then reports the first failure. */
async function release({ app, probe, simulators, env }: SandboxParts<SandboxSimulators>): Promise<void> {
  const failures: unknown[] = [];
  const steps: (() => Promise<unknown> | undefined)[] = [
    () => app?.close(),
    () => probe?.close(),
    () => Promise.all(Object.values(simulators).map((simulator) => simulator.stop())),
  ];
  for (const step of steps)
    await Promise.resolve()
      .then(step)
      .catch((error: unknown) => failures.push(error));
  // Left-over keys only take space under a prefix no other run uses: never a reason to fail a stop.
  if (env.REDIS_URL && env.REDIS_KEY_PREFIX) await deleteRedisKeys(env.REDIS_URL, env.REDIS_KEY_PREFIX).catch(() => undefined);
  if (failures.length > 0) throw failures[0];
}
