import { AmqpConnection } from '@golevelup/nestjs-rabbitmq';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { MetricFactory } from '@lib/observability';
import { Gauge } from 'prom-client';

type BlockedListener = (blocked: boolean) => void;

/**
 * Whether the broker blocks our publishes (`connection.blocked`, sent while a memory or disk alarm is on).
 * A blocked broker takes every publish later, so publishers wait instead of timing out and handing the
 * message back (which would duplicate the successor once the alarm clears). A closed connection ends the
 * block: a new connection starts unblocked, and whoever waited must notice the disconnect and refuse.
 * Exported as `broker_blocked` and logged once each way.
 */
@Injectable()
export class BrokerFlowControl implements OnApplicationBootstrap {
  private readonly logger = new Logger('RabbitMQ');
  private readonly gauge: Gauge;
  private readonly listeners = new Set<BlockedListener>();
  private reason?: string;

  constructor(
    private readonly amqp: AmqpConnection,
    metrics: MetricFactory,
  ) {
    this.gauge = metrics.gauge('broker_blocked', '1 while RabbitMQ blocks our publishes (resource alarm), else 0');
  }

  get blocked(): boolean {
    return this.reason !== undefined;
  }

  /** The broker's reason for the block (e.g. `low on memory`), while blocked. */
  get blockedReason(): string | undefined {
    return this.reason;
  }

  onApplicationBootstrap(): void {
    this.gauge.set(0);
    const manager = this.amqp.managedConnection as unknown as NodeJS.EventEmitter;
    manager.on('blocked', ({ reason }: { reason?: string }) => this.change(reason || 'unknown'));
    manager.on('unblocked', () => this.change(undefined));
    manager.on('disconnect', () => this.change(undefined, 'connection closed'));
  }

  /** Resolves at once while not blocked, else when the block ends (unblocked, or the connection closed). */
  whenUnblocked(): Promise<void> {
    if (!this.blocked) return Promise.resolve();
    return new Promise((resolve) => {
      const stop = this.onChange((blocked) => {
        if (blocked) return;
        stop();
        resolve();
      });
    });
  }

  /** Calls `listener` on each change of the blocked state; returns the unsubscribe function. */
  onChange(listener: BlockedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private change(reason: string | undefined, endedBy = 'broker'): void {
    if (reason === this.reason || (reason !== undefined && this.blocked)) return;
    const wasReason = this.reason;
    this.reason = reason;
    this.gauge.set(this.blocked ? 1 : 0);
    if (this.blocked) this.logger.warn({ event: 'broker_blocked', reason });
    else this.logger.log({ event: 'broker_unblocked', reason: endedBy, blockedBecause: wasReason });
    for (const listener of [...this.listeners]) listener(this.blocked);
  }
}
