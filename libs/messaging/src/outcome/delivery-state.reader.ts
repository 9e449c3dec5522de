import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConsumeMessage } from 'amqplib';
import { MESSAGING_OPTIONS } from '../messaging.constants';
import { MessagingOptions } from '../messaging.options';
import { ownWaitQueuePrefixes } from '../topology/work-queue-topology';
import { DeliveryHeader, DeliveryState, ServiceHeaders } from './delivery-headers';
import { tenantOfRoutingKey } from './tenant-of-routing-key.util';

/** More deferrals than this are not a count the service could have written (a day of one-second waits is 86,400). */
const MAX_DEFERRALS = 1_000_000;
/** AMQP's limit on a routing key (a short string). */
const MAX_ROUTING_KEY_LENGTH = 255;

/**
 * Reads a consumed message's delivery state (attempts, deferrals, first-seen time, original routing
 * key, reserved send slot). Those headers are the service's own bookkeeping: they are trusted only on
 * a message that comes back from one of the service's own wait or delay queues (the broker
 * dead-lettered it from there into the work queue through the default exchange), and even then each
 * value is clamped to what the service itself could have written. On any other delivery a
 * publisher's copies are ignored (and logged): a forged `x-slot-at` would park a tenant's queue for
 * weeks, a future `x-first-seen-at` would lift the 24 h bound, `x-original-routing-key` would let a
 * publisher speak for another tenant. The state is read once per delivery and shared by everything
 * that handles it.
 */
@Injectable()
export class DeliveryStateReader {
  private readonly logger = new Logger('Delivery');
  private readonly states = new WeakMap<ConsumeMessage, DeliveryState>();
  private readonly ownQueuePrefixes: string[];
  private readonly serviceHeaders: ServiceHeaders;

  constructor(@Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions) {
    this.ownQueuePrefixes = ownWaitQueuePrefixes(options.topology);
    this.serviceHeaders = new ServiceHeaders(options.deadLetterIdHeaders);
  }

  read(message: ConsumeMessage, now = Date.now()): DeliveryState {
    let state = this.states.get(message);
    if (!state) {
      state = this.comesBackFromOwnQueue(message) ? this.trusted(message, now) : this.fresh(message, now);
      this.states.set(message, state);
    }
    return state;
  }

  /** The tenant the message was published for: the last word of its original routing key. */
  tenantOf(message: ConsumeMessage): string | undefined {
    return tenantOfRoutingKey(this.read(message).originalRoutingKey);
  }

  /** Dead-lettered by the broker, on expiry, from one of this service's wait or delay queues into its work queue. */
  comesBackFromOwnQueue(message: ConsumeMessage): boolean {
    if (message.fields.exchange !== '' || message.fields.routingKey !== this.options.topology.queue) return false;
    const deaths: unknown = message.properties.headers?.['x-death'];
    const last = Array.isArray(deaths) ? (deaths[0] as { queue?: unknown; reason?: unknown } | undefined) : undefined;
    const queue = last?.queue;
    return last?.reason === 'expired' && typeof queue === 'string' && this.ownQueuePrefixes.some((prefix) => queue.startsWith(prefix));
  }

  private trusted(message: ConsumeMessage, now: number): DeliveryState {
    const headers: Record<string, unknown> = message.properties.headers ?? {};
    const { maxAttempts, maxSlotAheadMs } = this.options.stateBounds;
    const firstSeenAt = finiteNumber(headers[DeliveryHeader.FIRST_SEEN_AT]);
    const slotAt = finiteNumber(headers[DeliveryHeader.SLOT_AT]);
    const originalRoutingKey = headers[DeliveryHeader.ORIGINAL_ROUTING_KEY];
    return {
      attempts: Math.min(countOf(headers[DeliveryHeader.ATTEMPTS]), maxAttempts),
      deferrals: Math.min(countOf(headers[DeliveryHeader.DEFERRALS]), MAX_DEFERRALS),
      firstSeenAt: firstSeenAt !== undefined && firstSeenAt > 0 && firstSeenAt <= now ? firstSeenAt : now,
      originalRoutingKey:
        typeof originalRoutingKey === 'string' && originalRoutingKey.length > 0 && originalRoutingKey.length <= MAX_ROUTING_KEY_LENGTH
          ? originalRoutingKey
          : message.fields.routingKey,
      ...(slotAt !== undefined && slotAt > 0 && slotAt <= now + maxSlotAheadMs ? { slotAt } : {}),
    };
  }

  private fresh(message: ConsumeMessage, now: number): DeliveryState {
    const forged = Object.keys(message.properties.headers ?? {}).filter((name) => this.serviceHeaders.has(name));
    if (forged.length > 0) {
      this.logger.warn({
        event: 'publisher_bookkeeping_headers_ignored',
        headers: forged.slice(0, 20),
        routingKey: message.fields.routingKey,
      });
    }
    return { attempts: 0, deferrals: 0, firstSeenAt: now, originalRoutingKey: message.fields.routingKey };
  }
}

function countOf(value: unknown): number {
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed >= 0 ? parsed : 0;
}

function finiteNumber(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}
