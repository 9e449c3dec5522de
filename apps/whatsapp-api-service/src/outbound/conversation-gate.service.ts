import { Injectable } from '@nestjs/common';
import { DeliveryOutcome, OutcomeContext } from '@lib/messaging';
import { ConversationSequencer, DeliveryError, DeliveryErrorCategory as Category, DeliveryLedger } from '@lib/resilience';
import { WhatsappConfig } from '../config/whatsapp.config';
import { OutboundEnvelope } from './envelope-parser';

/**
 * Keeps each conversation (tenant, recipient) in order. Within a replica its messages are handled one
 * at a time, from parsing until the outcome is settled in the broker. When one waits for a retry, the
 * ledger holds the conversation: later messages are parked in the same wait queue behind it (a queue
 * with one TTL is FIFO), so none overtakes it; the hold lifts once it is sent or dead-lettered.
 */
@Injectable()
export class ConversationGate {
  private readonly sequencer: ConversationSequencer;

  constructor(
    private readonly ledger: DeliveryLedger,
    config: WhatsappConfig,
  ) {
    this.sequencer = new ConversationSequencer(config.resilience.handlerTimeoutMs + config.rabbitmq.publishTimeoutMs * 2);
  }

  async inOrder(envelope: OutboundEnvelope, context: OutcomeContext, deliver: () => Promise<DeliveryOutcome>): Promise<DeliveryOutcome> {
    const conversation = conversationOf(envelope);
    if (!conversation) return deliver();
    const release = await this.sequencer.acquire(conversation);
    try {
      const outcome = await this.decide(conversation, envelope, context, deliver);
      return { ...outcome, onSettled: release };
    } catch (error) {
      release();
      throw error;
    }
  }

  private async decide(
    conversation: string,
    envelope: OutboundEnvelope,
    context: OutcomeContext,
    deliver: () => Promise<DeliveryOutcome>,
  ): Promise<DeliveryOutcome> {
    const { internalId } = envelope.metadata;
    const hold = await this.ledger.holdOf(conversation);
    if (hold && hold.internalId !== internalId) {
      context.state.deferrals += 1;
      const error = new DeliveryError(Category.CONVERSATION_HELD, `waiting behind message ${hold.internalId} of the same conversation`);
      // Behind the held message in the queue it waits in: it can only come back after it.
      return hold.tierMs === IN_TENANT_QUEUE
        ? { kind: 'retry', context, error, delay: { tierMs: 0, delayMs: 0 }, inTenantQueue: true }
        : { kind: 'retry', context, error, delay: { tierMs: hold.tierMs, delayMs: hold.tierMs } };
    }
    const outcome = await deliver();
    if (outcome.kind === 'retry') {
      const tierMs = outcome.inTenantQueue ? IN_TENANT_QUEUE : outcome.delay.tierMs;
      await this.ledger.hold(conversation, { internalId, tierMs, waitMs: outcome.delay.delayMs });
    } else if (hold) await this.ledger.releaseHold(conversation, internalId);
    return outcome;
  }
}

/** Hold marker: the held message waits in its tenant's delay queue, not a tier queue. */
const IN_TENANT_QUEUE = 0;

/** Mark-as-read requests have no recipient and need no order. */
function conversationOf(envelope: OutboundEnvelope): string | undefined {
  const to = envelope.wabaPayload.to;
  return typeof to === 'string' ? `${envelope.metadata.tenantId}:${to.replace(/\D/g, '')}` : undefined;
}
