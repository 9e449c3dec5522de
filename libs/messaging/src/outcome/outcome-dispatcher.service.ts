import { Nack } from '@golevelup/nestjs-rabbitmq';
import { Injectable, Logger } from '@nestjs/common';
import { DeliveryMetrics } from '@lib/observability';
import { nextStepFor } from '@lib/resilience';
import { ConsumeMessage } from 'amqplib';
import { PublishUnconfirmedError } from '../publishing/broker-unavailable.error';
import { BrokerPublisher } from '../publishing/broker-publisher.service';
import { DeadLetterPublisher } from './dead-letter-publisher.service';
import { DeliveryOutcome, OutcomeEvent } from './delivery-outcome';
import { RetryScheduler } from './retry-scheduler.service';

/** Pause before handing a message back, so a broker that refuses publishes is not hammered in a loop. */
export const HAND_BACK_PAUSE_MS = 1000;

/**
 * The one place that settles a consumed message: ack it, park it for a retry, or dead-letter it, and
 * count and log that (the message's ids reach every line through the interceptor's log context). It
 * returns what golevelup should do with the delivery: `undefined` acks, `Nack(true)` hands it back
 * when the broker did not confirm the retry or dead-letter copy (so the message is never acked
 * without a confirmed successor).
 */
@Injectable()
export class OutcomeDispatcher {
  private readonly logger = new Logger('Outcome');

  constructor(
    private readonly retries: RetryScheduler,
    private readonly deadLetters: DeadLetterPublisher,
    private readonly publisher: BrokerPublisher,
    private readonly metrics: DeliveryMetrics,
  ) {}

  async dispatch(message: ConsumeMessage, outcome: DeliveryOutcome): Promise<Nack | undefined> {
    const { context } = outcome;
    // Counted once the outcome is known: by then the tenant is confirmed or not, and its label is right.
    this.metrics.recordConsumed(context.tenantId, context.messageType);
    try {
      switch (outcome.kind) {
        case 'delivered':
          this.metrics.recordSent(context.tenantId, context.messageType);
          await this.publishEvent(outcome.event);
          return undefined;
        case 'duplicate':
          this.metrics.recordDuplicate(context.tenantId);
          this.logger.log({ event: 'message_duplicate_acked', statusEventRepeated: outcome.event !== undefined });
          await this.publishEvent(outcome.event);
          return undefined;
        case 'retry':
          await this.retries.schedule(
            message,
            context.state,
            outcome.delay,
            outcome.error,
            outcome.inTenantQueue ? context.tenantId : undefined,
          );
          this.metrics.recordRetry(context.tenantId, outcome.error.category);
          // Waits that made no vendor call (breaker open, throttled, held) can come in thousands: debug only.
          this.logger[nextStepFor(outcome.error.category) === 'defer' ? 'debug' : 'warn']({
            event: 'message_retry_scheduled',
            category: outcome.error.category,
            errorCode: outcome.error.details.code,
            errorSubcode: outcome.error.details.subcode,
            traceId: outcome.error.details.traceId,
            delayMs: outcome.delay.delayMs,
            reason: outcome.error.message,
          });
          return undefined;
        case 'dropped':
          this.metrics.recordDropped(context.tenantId, outcome.reasonCode);
          this.logger.debug({ event: 'message_dropped', reason: outcome.reason });
          return undefined;
        case 'dead-letter':
          await this.deadLetters.publish(message, context, outcome.error);
          this.metrics.recordDeadLetter(context.tenantId, outcome.error.category);
          this.logger.error({
            event: 'message_dead_lettered',
            category: outcome.error.category,
            errorCode: outcome.error.details.code,
            errorSubcode: outcome.error.details.subcode,
            traceId: outcome.error.details.traceId,
            reason: outcome.error.message,
          });
          await this.publishEvent(outcome.event);
          return undefined;
      }
    } catch (error) {
      this.metrics.recordHandedBack();
      this.logger.error({ event: 'message_handed_back', reason: (error as Error).message });
      await new Promise((resolve) => setTimeout(resolve, HAND_BACK_PAUSE_MS));
      return new Nack(true);
    }
  }

  /**
   * Outcome events are published after the outcome is settled, and a failure does not undo the outcome:
   * the message must not be sent twice. A required event's failure hands the message back instead (its
   * redelivery publishes the event again without a second send). Otherwise the log says whether the
   * event is certainly missing (refused: safe to re-send by hand) or merely unconfirmed (it may have
   * arrived; a re-send can duplicate it).
   */
  private async publishEvent(event: OutcomeEvent | undefined): Promise<void> {
    if (!event) return;
    try {
      await this.publisher.publish(event.exchange, event.routingKey, Buffer.from(JSON.stringify(event.payload)), {
        contentType: 'application/json',
      });
    } catch (error) {
      if (event.required) throw error;
      const unconfirmed = error instanceof PublishUnconfirmedError;
      this.logger.error({
        event: unconfirmed ? 'status_event_unconfirmed' : 'status_event_not_published',
        routingKey: event.routingKey,
        statusEvent: event.payload,
        reason: (error as Error).message,
        note: unconfirmed
          ? 'may or may not have been published; consumers de-duplicate by message id and status'
          : 'refused before publishing: safe to re-send',
      });
    }
  }
}
