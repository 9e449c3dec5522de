import { Inject, Injectable, Logger } from '@nestjs/common';
import { VerifiedTenants, growingLruCache } from '@lib/observability';
import { DeliveryError, RetryDelay } from '@lib/resilience';
import { ConsumeMessage } from 'amqplib';
import { randomBytes } from 'node:crypto';
import { MESSAGING_OPTIONS } from '../messaging.constants';
import { MessagingOptions } from '../messaging.options';
import { BrokerPublisher } from '../publishing/broker-publisher.service';
import { DeclareChannel } from '../publishing/declare-channel';
import { QueueDeclaration, retryQueueName, tenantDelayQueueDeclaration } from '../topology/work-queue-topology';
import { copiedProperties } from './copied-properties';
import { DeliveryHeader, DeliveryState, deliveryStateHeaders, ServiceHeaders } from './delivery-headers';

const REDECLARE_AFTER_MS = 60 * 60 * 1000;

/**
 * Parks a copy of a message in the wait queue of its delay tier, or in its tenant's own delay queue
 * (this replica's).
 * The broker dead-letters it back into the work queue when its TTL runs out, so the wait survives a
 * crash and holds no consumer slot. A tenant gets a queue of its own only once the tenant service has
 * confirmed it (`VerifiedTenants`): a routing key is input, and a queue per made-up tenant id would be
 * a broker object per junk message, each living a day. The others wait in the shared tier queues.
 */
@Injectable()
export class RetryScheduler {
  private readonly logger = new Logger('RetryScheduler');
  private readonly declaredTenantQueues = growingLruCache<string, number>(100_000);
  private readonly declaring = new Map<string, Promise<string | undefined>>();
  /** Names this process's tenant delay queues (see `tenantDelayQueueDeclaration`). */
  readonly replica = randomBytes(3).toString('hex');
  private readonly tiers: number[];
  private readonly serviceHeaders: ServiceHeaders;

  constructor(
    private readonly publisher: BrokerPublisher,
    private readonly declarations: DeclareChannel,
    private readonly verified: VerifiedTenants,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {
    this.tiers = options.topology.retryDelayTiersMs;
    this.serviceHeaders = new ServiceHeaders(options.deadLetterIdHeaders);
  }

  /** `tenantId`: park in that tenant's own delay queue instead of the shared tier queue. */
  async schedule(message: ConsumeMessage, state: DeliveryState, delay: RetryDelay, cause: DeliveryError, tenantId?: string): Promise<void> {
    const properties = copiedProperties(message, this.serviceHeaders, {
      ...deliveryStateHeaders(state),
      [DeliveryHeader.LAST_ERROR_CATEGORY]: cause.category,
      ...(cause.details.code !== undefined ? { [DeliveryHeader.LAST_ERROR_CODE]: String(cause.details.code) } : {}),
    });
    const ownQueue = tenantId !== undefined && this.verified.has(tenantId) ? await this.tenantDelayQueue(tenantId) : undefined;
    const queue =
      ownQueue ?? retryQueueName(this.options.topology, tenantId !== undefined ? this.tierCovering(delay.delayMs) : delay.tierMs);
    // Never longer than a message may live: a TTL beyond that only parks it past its own expiry.
    const expirationMs = Math.min(Math.max(0, Math.round(delay.delayMs)), this.options.topology.messageTtlMs);
    await this.publisher.publish('', queue, message.content, { ...properties, expiration: String(expirationMs) });
  }

  /** The shortest tier queue whose TTL covers `delayMs` (the longest if none does). */
  private tierCovering(delayMs: number): number {
    return this.tiers.find((tier) => tier >= delayMs) ?? this.tiers[this.tiers.length - 1];
  }

  /**
   * Declared on first use by this process, then again every hour so that it never counts as unused.
   * Messages parked while the declaration is under way wait for that one declaration and are then
   * published in the order they came: a message published later than one parked after it would wait
   * behind it in the queue, past its own time. A refused declaration leaves the message to the tier
   * queues rather than looping on it.
   */
  private tenantDelayQueue(tenantId: string): Promise<string | undefined> | string {
    const declaration = tenantDelayQueueDeclaration(this.options.topology, tenantId, this.replica);
    const declaredAt = this.declaredTenantQueues.get(declaration.name);
    if (declaredAt !== undefined && Date.now() - declaredAt <= REDECLARE_AFTER_MS) return declaration.name;
    let declaring = this.declaring.get(declaration.name);
    if (!declaring) {
      declaring = this.declare(declaration).finally(() => this.declaring.delete(declaration.name));
      this.declaring.set(declaration.name, declaring);
    }
    return declaring;
  }

  private async declare(declaration: QueueDeclaration): Promise<string | undefined> {
    try {
      const channel = await this.declarations.current();
      await channel.assertQueue(declaration.name, { durable: true, arguments: declaration.arguments });
    } catch (error) {
      this.logger.warn({ event: 'tenant_delay_queue_refused', queue: declaration.name, reason: (error as Error).message });
      return undefined;
    }
    this.declaredTenantQueues.set(declaration.name, Date.now());
    return declaration.name;
  }
}
