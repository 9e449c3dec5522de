import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  deferredRetry,
  DeliveryOutcome,
  DeliveryState,
  DeliveryStateReader,
  OutcomeContext,
  TENANT_ID_PATTERN,
  tenantOfRoutingKey,
} from '@lib/messaging';
import { LogContext } from '@lib/observability';
import { DeliveryError, DeliveryErrorCategory as Category, DeliveryLedger, nextStepFor, retryDelay } from '@lib/resilience';
import { ConsumeMessage } from 'amqplib';
import { ConversationGate } from './conversation-gate.service';
import { DeliveryHooks, MessageIdentity } from './delivery-hooks';
import { DELIVERY_OPTIONS, DeliveryOptions } from './delivery.options';
import { readJsonBody } from './envelope/json-body.reader';
import { VendorCallFailure } from './vendor-call.failure';

type Checked<E> = { ok: true; envelope: E; identity: MessageIdentity } | { ok: false; reason: string; messageId?: string };

/**
 * Takes one consumed message of any egress service to its outcome, with the service's vendor hooks:
 * read the body, check it, keep its conversation's order, skip it if the ledger says it was sent,
 * send it (refreshing credentials once if the vendor refuses them), record the send, and decide what
 * a failure means (retry within the attempt budget, wait without spending one, dead-letter). Never
 * throws: even a defect becomes a dead-letter outcome with its reason.
 */
@Injectable()
export class DeliveryPipeline {
  private readonly logger = new Logger('Delivery');

  constructor(
    private readonly states: DeliveryStateReader,
    private readonly conversations: ConversationGate,
    private readonly ledger: DeliveryLedger,
    @Inject(DELIVERY_OPTIONS) private readonly options: DeliveryOptions,
  ) {}

  async deliver<E, R>(raw: Buffer, message: ConsumeMessage, hooks: DeliveryHooks<E, R>): Promise<DeliveryOutcome> {
    const state = this.states.read(message);
    const routedTenantId = tenantOfRoutingKey(state.originalRoutingKey);
    const checked = this.check(raw, routedTenantId, hooks);
    if (!checked.ok) return this.refused(checked, routedTenantId, state, hooks);
    const { envelope, identity } = checked;
    LogContext.bind({ tenantId: identity.tenantId, ...identity.logFields, messageType: identity.messageType });
    const context: OutcomeContext = {
      tenantId: identity.tenantId,
      messageId: identity.messageId,
      messageType: identity.messageType,
      state,
    };
    const drop = hooks.dropReason?.(envelope);
    if (drop) return { kind: 'dropped', context, reasonCode: drop.code, reason: drop.reason };
    try {
      return await this.conversations.inOrder(identity.conversationKey, identity, context, () =>
        this.deliverOnce(envelope, identity, context, message.fields.redelivered, hooks),
      );
    } catch (error) {
      this.logger.error({ event: 'delivery_defect', err: error });
      const defect = new DeliveryError(Category.INTERNAL_ERROR, `unexpected error: ${(error as Error).message}`);
      return this.deadLetter(envelope, context, defect, hooks);
    }
  }

  /** The body as JSON, the vendor's envelope, and a tenant that agrees with the routing key. */
  private check<E, R>(raw: Buffer, routedTenantId: string | undefined, hooks: DeliveryHooks<E, R>): Checked<E> {
    const body = readJsonBody(raw, this.options.messageMaxBytes);
    if (!body.ok) return { ok: false, reason: body.reason, messageId: body.json === undefined ? undefined : hooks.messageIdOf(body.json) };
    const checked = hooks.check(body.json);
    if (!checked.ok) return { ok: false, reason: checked.reason, messageId: hooks.messageIdOf(body.json) };
    const identity = hooks.identify(checked.envelope);
    // Policies (breaker, bulkhead) follow the routing key, credentials the body: they must agree.
    if (routedTenantId !== undefined && routedTenantId !== identity.tenantId) {
      return {
        ok: false,
        reason: `routing key names tenant '${routedTenantId.slice(0, 64)}' but ${hooks.tenantIdField ?? 'metadata.tenantId'} is '${identity.tenantId}'`,
        messageId: identity.messageId,
      };
    }
    return { ok: true, envelope: checked.envelope, identity };
  }

  /**
   * A message that is not a valid envelope. The routing key is what the broker let the publisher publish
   * as: the failure is reported to that tenant (or to nobody), never to a tenant the body merely names.
   */
  private refused<E, R>(
    refusal: { reason: string; messageId?: string },
    routedTenantId: string | undefined,
    state: DeliveryState,
    hooks: DeliveryHooks<E, R>,
  ): DeliveryOutcome {
    const tenantId = routedTenantId !== undefined && TENANT_ID_PATTERN.test(routedTenantId) ? routedTenantId : undefined;
    const { messageId } = refusal;
    LogContext.bind({ tenantId, [hooks.messageIdLogField]: messageId });
    const context: OutcomeContext = { tenantId, messageId, messageType: 'unknown', state };
    const error = new DeliveryError(Category.INVALID_ENVELOPE, refusal.reason);
    const event = tenantId && messageId ? hooks.failedEvent({ tenantId, messageId }, error, 0) : undefined;
    return { kind: 'dead-letter', context, error, event };
  }

  /** Sends unless the ledger says it was sent already (or is being sent right now). */
  private async deliverOnce<E, R>(
    envelope: E,
    { tenantId, messageId }: MessageIdentity,
    context: OutcomeContext,
    redelivered: boolean,
    hooks: DeliveryHooks<E, R>,
  ): Promise<DeliveryOutcome> {
    const ageMs = Date.now() - context.state.firstSeenAt;
    if (ageMs > this.options.maxMessageAgeMs) return this.deadLetter(envelope, context, await this.expired(envelope, ageMs, hooks), hooks);
    const claim = await this.ledger.claim(tenantId, messageId);
    if (claim.outcome === 'sent') {
      // A redelivery means the earlier consumer sent it (with at least one call of its own) but may have
      // died or lost the broker before its outcome event went out: report the send again.
      const event = redelivered ? hooks.sentEvent(envelope, hooks.readReceipt(claim.receipt), context.state.attempts + 1) : undefined;
      return { kind: 'duplicate', context, event };
    }
    if (claim.outcome === 'in-progress') {
      const busy = new DeliveryError(Category.DUPLICATE_IN_PROGRESS, `message ${messageId} is being handled by another consumer`);
      return this.afterFailure(envelope, context, busy, hooks);
    }
    if (claim.outcome === 'unavailable') {
      const unshared = new DeliveryError(
        Category.LEDGER_UNAVAILABLE,
        'the delivery ledger in Redis is unreachable and other replicas share the queue',
      );
      return this.afterFailure(envelope, context, unshared, hooks);
    }
    context.state.sendBy = claim.claimedAt + this.options.sendWindowMs;
    const startedAt = performance.now();
    let receipt: R;
    try {
      receipt = await this.sendRefreshingOnce(envelope, context.state, hooks);
    } catch (error) {
      await this.ledger.release(tenantId, messageId, claim.claimedAt);
      if (error instanceof VendorCallFailure) return this.afterFailure(envelope, context, error, hooks, error.attemptLimit);
      if (error instanceof DeliveryError) return this.afterFailure(envelope, context, error, hooks);
      throw error;
    }
    await this.ledger.markSent(tenantId, messageId, receipt);
    const { fields, warning } = hooks.describeReceipt(receipt);
    this.logger[warning ? 'warn' : 'log']({
      event: 'message_sent',
      ...fields,
      attempt: context.state.attempts,
      durationMs: Math.round(performance.now() - startedAt),
    });
    return { kind: 'delivered', context, event: hooks.sentEvent(envelope, receipt, context.state.attempts) };
  }

  /** One send; after a refusal of the credentials, forget them and send once more. Each vendor call counts as an attempt. */
  private async sendRefreshingOnce<E, R>(envelope: E, state: DeliveryState, hooks: DeliveryHooks<E, R>): Promise<R> {
    for (let refreshed = false; ; refreshed = true) {
      try {
        const receipt = await hooks.send(envelope, state);
        state.attempts += 1;
        return receipt;
      } catch (error) {
        if (!(error instanceof VendorCallFailure)) throw error;
        state.attempts += 1;
        if (refreshed || nextStepFor(error.category) !== 'refresh-credentials') throw error;
        const { code, subcode } = error.details;
        this.logger.warn({ event: 'credentials_refreshed', attempt: state.attempts, errorCode: code, errorSubcode: subcode });
        await hooks.refreshCredentials(envelope);
      }
    }
  }

  private afterFailure<E, R>(
    envelope: E,
    context: OutcomeContext,
    error: DeliveryError,
    hooks: DeliveryHooks<E, R>,
    attemptLimit?: number,
  ): DeliveryOutcome {
    const { state } = context;
    const { retry } = this.options;
    switch (nextStepFor(error.category)) {
      case 'retry': {
        const allowed = Math.min(retry.maxAttempts, attemptLimit ?? Infinity);
        if (state.attempts >= allowed) {
          const exhausted = new DeliveryError(
            Category.RETRIES_EXHAUSTED,
            `gave up after ${state.attempts} ${hooks.vendor} call(s); last error ${error.category}: ${error.message}`,
            error.details,
          );
          return this.deadLetter(envelope, context, exhausted, hooks);
        }
        return { kind: 'retry', context, error, delay: retryDelay(state.attempts, retry, error.details.minRetryDelayMs) };
      }
      case 'defer':
        return deferredRetry(context, error, retry);
      case 'refresh-credentials': {
        const again = new DeliveryError(error.category, `credentials refused again after a refresh: ${error.message}`, error.details);
        return this.deadLetter(envelope, context, again, hooks);
      }
      case 'dead-letter':
        return this.deadLetter(envelope, context, error, hooks);
    }
  }

  /** Beyond the age limit; when the vendor side knows why it waited (an account hold), that is what the operator needs. */
  private async expired<E, R>(envelope: E, ageMs: number, hooks: DeliveryHooks<E, R>): Promise<DeliveryError> {
    const limitHours = Math.round(this.options.maxMessageAgeMs / 3_600_000);
    const message = `message first seen ${Math.round(ageMs / 60000)} minutes ago, beyond the ${limitHours} h limit`;
    const reason = await hooks.expiryReason?.(envelope);
    return reason
      ? new DeliveryError(Category.MESSAGE_EXPIRED, `${message}, ${reason.note}`, { code: reason.code })
      : new DeliveryError(Category.MESSAGE_EXPIRED, message);
  }

  private deadLetter<E, R>(envelope: E, context: OutcomeContext, error: DeliveryError, hooks: DeliveryHooks<E, R>): DeliveryOutcome {
    return { kind: 'dead-letter', context, error, event: hooks.failedEvent(envelope, error, context.state.attempts) };
  }
}
