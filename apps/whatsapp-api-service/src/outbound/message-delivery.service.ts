import { Injectable, Logger } from '@nestjs/common';
import { deferredRetry, DeliveryOutcome, DeliveryStateReader, OutcomeContext, tenantOfRoutingKey } from '@lib/messaging';
import { DeliveryMetrics, LogContext } from '@lib/observability';
import { DeliveryError, DeliveryErrorCategory as Category, DeliveryLedger, nextStepFor, retryDelay } from '@lib/resilience';
import { ConsumeMessage } from 'amqplib';
import { WhatsappConfig } from '../config/whatsapp.config';
import { sendReceiptOf } from '../meta/meta-send-receipt';
import { AccountHoldGate } from './account-hold-gate.service';
import { ConversationGate } from './conversation-gate.service';
import { EnvelopeParser, OutboundEnvelope } from './envelope-parser';
import { MetaCallFailure } from './meta-call-failure';
import { MetaSender } from './meta-sender.service';
import { TENANT_ID_PATTERN } from './outbound-envelope.dto';
import { WHATSAPP_OUTBOUND_QUEUE } from '@lib/contracts';
import { MARK_AS_READ } from './payload-validation/waba-payload.validator';
import { failedEvent, identityOf, sentEvent } from './status-event.factory';

/**
 * Takes one consumed message to its outcome: parse, keep its conversation's order, skip it if it was
 * already sent, send it, and decide between sent, retry later and dead-letter. Never throws: even a
 * defect becomes a dead-letter outcome with its reason.
 */
@Injectable()
export class MessageDeliveryService {
  private readonly logger = new Logger('Delivery');

  constructor(
    private readonly parser: EnvelopeParser,
    private readonly conversations: ConversationGate,
    private readonly ledger: DeliveryLedger,
    private readonly sender: MetaSender,
    private readonly accountHolds: AccountHoldGate,
    private readonly metrics: DeliveryMetrics,
    private readonly states: DeliveryStateReader,
    private readonly config: WhatsappConfig,
  ) {}

  async deliver(raw: Buffer, message: ConsumeMessage): Promise<DeliveryOutcome> {
    const state = this.states.read(message);
    const routedTenantId = tenantOfRoutingKey(state.originalRoutingKey);
    const parsed = this.parser.parse(raw, routedTenantId);
    if (!parsed.ok) {
      // The routing key is what the broker let the publisher publish as: the failure is reported to that
      // tenant (or to nobody), never to a tenant the body merely names.
      const tenantId = routedTenantId !== undefined && TENANT_ID_PATTERN.test(routedTenantId) ? routedTenantId : undefined;
      LogContext.bind({ tenantId, internalId: parsed.internalId });
      const context: OutcomeContext = { tenantId, internalId: parsed.internalId, messageType: 'unknown', state };
      const error = new DeliveryError(Category.INVALID_ENVELOPE, parsed.reason);
      this.metrics.recordConsumed(tenantId, 'unknown');
      const event = tenantId && parsed.internalId ? failedEvent({ tenantId, internalId: parsed.internalId }, error, 0) : undefined;
      return { kind: 'dead-letter', context, error, event };
    }
    const { envelope } = parsed;
    const { tenantId, internalId, correlationId } = envelope.metadata;
    LogContext.bind({ tenantId, internalId, correlationId, messageType: envelope.messageType });
    const context: OutcomeContext = { tenantId, internalId, messageType: envelope.messageType, state };
    this.metrics.recordConsumed(context.tenantId, context.messageType);
    try {
      return await this.conversations.inOrder(envelope, context, () => this.deliverOnce(envelope, context, message.fields.redelivered));
    } catch (error) {
      this.logger.error({ event: 'delivery_defect', err: error });
      return this.deadLetter(
        envelope,
        context,
        new DeliveryError(Category.INTERNAL_ERROR, `unexpected error: ${(error as Error).message}`),
      );
    }
  }

  /** Sends unless the ledger says it was sent already (or is being sent right now). */
  private async deliverOnce(envelope: OutboundEnvelope, context: OutcomeContext, redelivered: boolean): Promise<DeliveryOutcome> {
    const ageMs = Date.now() - context.state.firstSeenAt;
    if (ageMs > WHATSAPP_OUTBOUND_QUEUE.messageTtlMs) return this.deadLetter(envelope, context, await this.expired(envelope, ageMs));
    const { tenantId, internalId } = envelope.metadata;
    const claim = await this.ledger.claim(tenantId, internalId);
    if (claim.outcome === 'sent') {
      // A redelivery means the earlier consumer sent it (with at least one call of its own) but may have
      // died or lost the broker before its status event went out: report the send again.
      const event = redelivered ? sentEvent(identityOf(envelope), claim, context.state.attempts + 1) : undefined;
      return { kind: 'duplicate', context, event };
    }
    if (claim.outcome === 'in-progress') {
      return this.afterFailure(
        envelope,
        context,
        new DeliveryError(Category.DUPLICATE_IN_PROGRESS, `message ${internalId} is being handled by another consumer`),
      );
    }
    const startedAt = performance.now();
    let body: unknown;
    try {
      body = await this.sender.send(envelope, context.state);
    } catch (error) {
      await this.ledger.release(tenantId, internalId);
      if (error instanceof MetaCallFailure) return this.afterFailure(envelope, context, error.error, error.attemptLimit);
      if (error instanceof DeliveryError) return this.afterFailure(envelope, context, error);
      throw error;
    }
    const sent = sendReceiptOf(body, envelope.messageType !== MARK_AS_READ);
    await this.ledger.markSent(tenantId, internalId, sent);
    this.logger[sent.reason ? 'warn' : 'log']({
      event: 'message_sent',
      wamid: sent.wamid,
      messageStatus: sent.messageStatus ?? undefined,
      reason: sent.reason ?? undefined,
      attempt: context.state.attempts,
      durationMs: Math.round(performance.now() - startedAt),
    });
    return { kind: 'delivered', context, event: sentEvent(identityOf(envelope), sent, context.state.attempts) };
  }

  private afterFailure(envelope: OutboundEnvelope, context: OutcomeContext, error: DeliveryError, attemptLimit?: number): DeliveryOutcome {
    const { state } = context;
    const { retry } = this.config;
    switch (nextStepFor(error.category)) {
      case 'retry': {
        const allowed = Math.min(retry.maxAttempts, attemptLimit ?? Infinity);
        if (state.attempts >= allowed) {
          const exhausted = new DeliveryError(
            Category.RETRIES_EXHAUSTED,
            `gave up after ${state.attempts} Meta call(s); last error ${error.category}: ${error.message}`,
            error.details,
          );
          return this.deadLetter(envelope, context, exhausted);
        }
        return { kind: 'retry', context, error, delay: retryDelay(state.attempts, retry, error.details.minRetryDelayMs) };
      }
      case 'defer':
        return deferredRetry(context, error, retry);
      case 'refresh-credentials':
        return this.deadLetter(
          envelope,
          context,
          new DeliveryError(error.category, `token refused again after a credential refresh: ${error.message}`, error.details),
        );
      case 'dead-letter':
        return this.deadLetter(envelope, context, error);
    }
  }

  /** Beyond the 24 h bound; behind an account hold, the account's reason is what the operator needs. */
  private async expired(envelope: OutboundEnvelope, ageMs: number): Promise<DeliveryError> {
    const message = `message first seen ${Math.round(ageMs / 60000)} minutes ago, beyond the 24 h limit`;
    const hold = await this.accountHolds.holdBehind(envelope.metadata.tenantId);
    return hold
      ? new DeliveryError(Category.MESSAGE_EXPIRED, `${message}, ${hold.note}`, { code: hold.code })
      : new DeliveryError(Category.MESSAGE_EXPIRED, message);
  }

  private deadLetter(envelope: OutboundEnvelope, context: OutcomeContext, error: DeliveryError): DeliveryOutcome {
    return { kind: 'dead-letter', context, error, event: failedEvent(identityOf(envelope), error, context.state.attempts) };
  }
}
