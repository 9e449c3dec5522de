import { INestApplication } from '@nestjs/common';
import { BrokerProbe, ObservedMessage } from '../rabbitmq/broker-probe';
import { TenantServiceSimulator } from '../simulators/tenant-service/tenant-service.simulator';
import { SandboxSimulators } from './sandboxed-service';
import { ServiceSandbox } from './service-sandbox';

/** An envelope of any service: what a sandbox reads its tenant from when publishing. */
interface TenantScopedEnvelope {
  metadata: { tenantId: string };
}

/**
 * What every egress service's sandbox offers beside its vendor's own: the tenant-service simulator, the
 * probe, the dead letters it watched, the service's env (another replica can start with it), the
 * in-process app, publishing as upstream does, and stopping it all. An app's sandbox extends it with
 * its vendor simulator, its events and its tenants.
 */
export abstract class AppSandbox<
  C,
  S extends SandboxSimulators & { tenants: TenantServiceSimulator },
  W extends string,
  E extends TenantScopedEnvelope,
> {
  protected constructor(
    protected readonly sandbox: ServiceSandbox<C, S, W | 'deadLetters'>,
    private readonly routingKeyOf: (tenantId: string) => string,
  ) {}

  get tenants(): TenantServiceSimulator {
    return this.sandbox.simulators.tenants;
  }

  get probe(): BrokerProbe {
    return this.sandbox.probe;
  }

  /** A copy of every message dead-lettered since start (the dead-letter queue itself is left alone). */
  get deadLetters(): ObservedMessage[] {
    return this.sandbox.observed.deadLetters;
  }

  /** The environment the service was started with: another replica can be started with the same. */
  get env(): Record<string, string> {
    return this.sandbox.env;
  }

  /** The configuration the service was started with, in process or as replicas started with `env`. */
  get config(): C {
    return this.sandbox.config;
  }

  /** The in-process service. */
  get app(): INestApplication {
    return this.sandbox.app;
  }

  /** Publishes an envelope (or raw bytes) as upstream does, with the routing key of its tenant (or of `tenantId`). */
  async publish(message: E | Buffer | string, tenantId?: string): Promise<void> {
    const tenant = tenantId ?? (typeof message === 'object' && !Buffer.isBuffer(message) ? message.metadata.tenantId : 'unknown');
    await this.sandbox.publish(this.routingKeyOf(tenant), message);
  }

  /**
   * Publishes an envelope as if it came back from one of the service's own wait queues, carrying the
   * bookkeeping `headers` the service would have written (e.g. an `x-first-seen-at` a day ago).
   */
  async publishAsReturning(envelope: E, headers: Record<string, unknown>): Promise<void> {
    await this.sandbox.publishAsReturning(this.routingKeyOf(envelope.metadata.tenantId), envelope, headers);
  }

  async stop(): Promise<void> {
    await this.sandbox.stop();
  }
}
