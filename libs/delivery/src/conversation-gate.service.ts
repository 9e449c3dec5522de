import { Inject, Injectable } from '@nestjs/common';
import { DeliveryOutcome, OutcomeContext } from '@lib/messaging';
import { ConversationSequencer, DeliveryError, DeliveryErrorCategory as Category, DeliveryLedger } from '@lib/resilience';
import { DELIVERY_OPTIONS, DeliveryOptions } from './delivery.options';

/** Hold marker: the held message waits in its tenant's delay queue, not a tier queue. */
const IN_TENANT_QUEUE = 0;

/**
 * Keeps each conversation (a tenant and its customer, as the service defines it) in order. Within a
 * replica its messages are handled one at a time, from parsing until the outcome is settled in the
 * broker. When one waits for a retry, the ledger holds the conversation: later messages are parked in
 * the same wait queue behind it (a queue with one TTL is FIFO), so none overtakes it; the hold lifts
 * once it is sent or dead-lettered.
 */
@Injectable()
export class ConversationGate {
  private readonly sequencer: ConversationSequencer;

  constructor(
    private readonly ledger: DeliveryLedger,
    @Inject(DELIVERY_OPTIONS) options: DeliveryOptions,
  ) {
    this.sequencer = new ConversationSequencer(options.conversationTurnMs);
  }

  /** `conversation`: the message's conversation key, or undefined when it needs no order. */
  async inOrder(
    conversation: string | undefined,
    messageId: string,
    context: OutcomeContext,
    deliver: () => Promise<DeliveryOutcome>,
  ): Promise<DeliveryOutcome> {
    if (!conversation) return deliver();
    const release = await this.sequencer.acquire(conversation);
    try {
      const outcome = await this.decide(conversation, messageId, context, deliver);
      return { ...outcome, onSettled: release };
    } catch (error) {
      release();
      throw error;
    }
  }

  private async decide(
    conversation: string,
    messageId: string,
    context: OutcomeContext,
    deliver: () => Promise<DeliveryOutcome>,
  ): Promise<DeliveryOutcome> {
    const hold = await this.ledger.holdOf(conversation);
    if (hold && hold.messageId !== messageId) {
      context.state.deferrals += 1;
      const error = new DeliveryError(Category.CONVERSATION_HELD, `waiting behind message ${hold.messageId} of the same conversation`);
      // Behind the held message in the queue it waits in: it can only come back after it.
      return hold.tierMs === IN_TENANT_QUEUE
        ? { kind: 'retry', context, error, delay: { tierMs: 0, delayMs: 0 }, inTenantQueue: true }
        : { kind: 'retry', context, error, delay: { tierMs: hold.tierMs, delayMs: hold.tierMs } };
    }
    const outcome = await deliver();
    if (outcome.kind === 'retry') {
      const tierMs = outcome.inTenantQueue ? IN_TENANT_QUEUE : outcome.delay.tierMs;
      await this.ledger.hold(conversation, { messageId, tierMs, waitMs: outcome.delay.delayMs });
    } else if (hold) await this.ledger.releaseHold(conversation, messageId);
    return outcome;
  }
}
