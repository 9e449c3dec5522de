import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { MetricFactory } from './metric-factory.service';
import { TenantLabel } from './tenant-label.service';

/** Counters of what happened to each consumed message, labelled by bounded tenant and type/category. */
@Injectable()
export class DeliveryMetrics {
  private readonly consumed: Counter<'tenant' | 'type'>;
  private readonly sent: Counter<'tenant' | 'type'>;
  private readonly failed: Counter<'tenant' | 'category'>;
  private readonly retried: Counter<'tenant' | 'category'>;
  private readonly deadLettered: Counter<'tenant' | 'category'>;
  private readonly duplicates: Counter<'tenant'>;
  private readonly dropped: Counter<'tenant' | 'reason'>;
  private readonly handedBack: Counter;
  private readonly processing: Histogram<'tenant'>;
  private readonly inFlight: Gauge;

  constructor(
    metrics: MetricFactory,
    private readonly tenants: TenantLabel,
  ) {
    this.consumed = metrics.counter('messages_consumed_total', 'Deliveries taken off the work queue, counted as their outcome is settled', [
      'tenant',
      'type',
    ]);
    this.sent = metrics.counter('messages_sent_total', 'Messages accepted by the vendor API', ['tenant', 'type']);
    this.failed = metrics.counter('messages_failed_total', 'Failed deliveries, by error category', ['tenant', 'category']);
    this.retried = metrics.counter('messages_retried_total', 'Messages scheduled for a later retry', ['tenant', 'category']);
    this.deadLettered = metrics.counter('messages_dead_lettered_total', 'Messages moved to the dead-letter queue', ['tenant', 'category']);
    this.duplicates = metrics.counter('messages_duplicate_total', 'Messages acked without sending: already delivered', ['tenant']);
    this.dropped = metrics.counter('messages_dropped_total', 'Messages acked without sending: nothing for the vendor', [
      'tenant',
      'reason',
    ]);
    this.handedBack = metrics.counter('messages_handed_back_total', 'Messages returned to the queue: the broker refused a publish');
    this.processing = metrics.histogram('message_processing_duration_seconds', 'Consume to settle (ack or hand-back)', ['tenant']);
    this.inFlight = metrics.gauge('messages_in_flight', 'Messages being handled right now');
  }

  started(): () => number {
    this.inFlight.inc();
    const startedAt = process.hrtime.bigint();
    return () => {
      this.inFlight.dec();
      return Number(process.hrtime.bigint() - startedAt) / 1e9;
    };
  }

  recordConsumed(tenantId: string | undefined, type: string): void {
    this.consumed.inc({ tenant: this.tenants.for(tenantId), type });
  }

  recordSent(tenantId: string | undefined, type: string): void {
    this.sent.inc({ tenant: this.tenants.for(tenantId), type });
  }

  recordRetry(tenantId: string | undefined, category: string): void {
    const tenant = this.tenants.for(tenantId);
    this.failed.inc({ tenant, category });
    this.retried.inc({ tenant, category });
  }

  recordDeadLetter(tenantId: string | undefined, category: string): void {
    const tenant = this.tenants.for(tenantId);
    this.failed.inc({ tenant, category });
    this.deadLettered.inc({ tenant, category });
  }

  recordDuplicate(tenantId: string | undefined): void {
    this.duplicates.inc({ tenant: this.tenants.for(tenantId) });
  }

  recordDropped(tenantId: string | undefined, reason: string): void {
    this.dropped.inc({ tenant: this.tenants.for(tenantId), reason });
  }

  recordHandedBack(): void {
    this.handedBack.inc();
  }

  recordProcessingTime(tenantId: string | undefined, seconds: number): void {
    this.processing.observe({ tenant: this.tenants.for(tenantId) }, seconds);
  }
}
