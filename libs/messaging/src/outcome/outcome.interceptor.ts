import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { DeliveryMetrics, LogContext } from '@lib/observability';
import { DeliveryError, DeliveryErrorCategory, nextStepFor, retryDelay } from '@lib/resilience';
import { ConsumeMessage } from 'amqplib';
import { from, lastValueFrom, Observable } from 'rxjs';
import { MESSAGING_OPTIONS } from '../messaging.constants';
import { MessagingOptions } from '../messaging.options';
import { InFlightMessages } from '../lifecycle/in-flight-messages';
import { deferredRetry } from './deferred-retry';
import { DeliveryOutcome } from './delivery-outcome';
import { DeliveryStateReader } from './delivery-state.reader';
import { OutcomeDispatcher } from './outcome-dispatcher.service';
import { tenantOfRoutingKey } from './tenant-of-routing-key.util';

/**
 * Outermost interceptor of a work-queue handler. The handler (and the interceptors inside this one)
 * return a `DeliveryOutcome` or throw a `DeliveryError`; this turns either into the settled message
 * (ack, retry copy, dead letter) and hands golevelup only `undefined` or a `Nack`, as it expects.
 */
@Injectable()
export class OutcomeInterceptor implements NestInterceptor {
  constructor(
    private readonly dispatcher: OutcomeDispatcher,
    private readonly metrics: DeliveryMetrics,
    private readonly inFlight: InFlightMessages,
    private readonly states: DeliveryStateReader,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler<DeliveryOutcome>): Observable<unknown> {
    const message = context.getArgByIndex<ConsumeMessage>(1);
    const fields = { tenantId: tenantOfRoutingKey(message.fields.routingKey), deliveryTag: message.fields.deliveryTag };
    return from(this.inFlight.track(LogContext.run(fields, () => this.settle(message, next))));
  }

  private async settle(message: ConsumeMessage, next: CallHandler<DeliveryOutcome>) {
    const finished = this.metrics.started();
    let outcome: DeliveryOutcome;
    try {
      outcome = await lastValueFrom(next.handle());
    } catch (error) {
      outcome = this.outcomeForThrown(message, error);
    }
    const { tenantId, messageType, state } = outcome.context;
    LogContext.bind({ tenantId, messageType, attempt: state.attempts });
    try {
      return await this.dispatcher.dispatch(message, outcome);
    } finally {
      outcome.onSettled?.();
      this.metrics.recordProcessingTime(outcome.context.tenantId, finished());
    }
  }

  /**
   * A `DeliveryError` thrown instead of returned (a policy refused the message, or a handler that does not
   * decide itself), or a defect. Its category's step decides, as for a returned failure, so a thrown
   * permanent error is dead-lettered and a thrown retryable one spends the attempt budget: neither loops.
   */
  private outcomeForThrown(message: ConsumeMessage, thrown: unknown): DeliveryOutcome {
    const state = this.states.read(message);
    const context = { tenantId: tenantOfRoutingKey(state.originalRoutingKey), messageType: 'unknown', state };
    const error =
      thrown instanceof DeliveryError
        ? thrown
        : new DeliveryError(DeliveryErrorCategory.INTERNAL_ERROR, `unexpected error: ${(thrown as Error)?.message ?? thrown}`);
    switch (nextStepFor(error.category)) {
      case 'defer':
        return deferredRetry(context, error, this.options.retry);
      case 'retry':
      case 'refresh-credentials': {
        state.attempts += 1;
        if (state.attempts < this.options.stateBounds.maxAttempts) {
          return { kind: 'retry', context, error, delay: retryDelay(state.attempts, this.options.retry, error.details.minRetryDelayMs) };
        }
        const reason = `gave up after ${state.attempts} attempt(s); last error ${error.category}: ${error.message}`;
        return { kind: 'dead-letter', context, error: new DeliveryError(DeliveryErrorCategory.RETRIES_EXHAUSTED, reason, error.details) };
      }
      default:
        return { kind: 'dead-letter', context, error };
    }
  }
}
