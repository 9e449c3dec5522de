import { Inject, Injectable } from '@nestjs/common';
import { DeliveryOutcome, OutcomeContext } from '@lib/messaging';
import {
  ConversationLine,
  ConversationSequencer,
  DeliveryError,
  DeliveryErrorCategory as Category,
  LineEntry,
  LineHead,
  RetryDelay,
  retryDelayTiers,
} from '@lib/resilience';
import { DELIVERY_OPTIONS, DeliveryOptions } from './delivery.options';

/** Pauses between readings of the line while the message ahead is being sent. */
const FIRST_PAUSE_MS = 5;
const MAX_PAUSE_MS = 50;

/**
 * Keeps each conversation (a tenant and its customer, as the service defines it) in order. Within a
 * replica its messages are handled one at a time, from parsing until the outcome is settled in the
 * broker. Across replicas they stand in one line (`ConversationLine`), joined as they are consumed:
 * only its head is sent. A message behind a head that is being sent waits for it here, briefly; behind a
 * head parked for a retry, it is parked in a tier queue until about when the head is due back, keeping
 * its place. The head leaves the line once it is sent or dead-lettered.
 */
@Injectable()
export class ConversationGate {
  private readonly sequencer: ConversationSequencer;
  private readonly tiers: number[];

  constructor(
    private readonly line: ConversationLine,
    @Inject(DELIVERY_OPTIONS) options: DeliveryOptions,
  ) {
    this.sequencer = new ConversationSequencer(options.conversationTurnMs);
    this.tiers = retryDelayTiers(options.retry);
  }

  /** `conversation`: the message's conversation key, or undefined when it needs no order. */
  async inOrder(
    conversation: string | undefined,
    messageId: string,
    context: OutcomeContext,
    deliver: () => Promise<DeliveryOutcome>,
  ): Promise<DeliveryOutcome> {
    if (!conversation) return deliver();
    // Joined before the wait in process, so the line takes the order in which the broker handed the
    // conversation's messages to this replica and the others.
    const entry = await this.line.enter(conversation, messageId);
    const release = await this.sequencer.acquire(conversation);
    try {
      const turn = entry.turn ? entry : await this.waitForTurn(conversation, messageId);
      const outcome = turn.turn
        ? await this.asHead(conversation, messageId, deliver)
        : await this.parkBehind(conversation, messageId, context, turn.ahead);
      return { ...outcome, onSettled: release };
    } catch (error) {
      release();
      throw error;
    }
  }

  /**
   * Behind a message being sent (by any replica), waits here for it, reading the line again after growing
   * pauses, for at most the shortest tier: no longer than a park would take.
   */
  private async waitForTurn(conversation: string, messageId: string): Promise<LineEntry> {
    const deadline = Date.now() + this.tiers[0];
    let pauseMs = FIRST_PAUSE_MS;
    let entry = await this.line.enter(conversation, messageId);
    while (!entry.turn && entry.ahead.sending && Date.now() + pauseMs <= deadline) {
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
      pauseMs = Math.min(pauseMs * 2, MAX_PAUSE_MS);
      entry = await this.line.enter(conversation, messageId);
    }
    return entry;
  }

  private async asHead(conversation: string, messageId: string, deliver: () => Promise<DeliveryOutcome>): Promise<DeliveryOutcome> {
    let outcome: DeliveryOutcome;
    try {
      outcome = await deliver();
    } catch (error) {
      await this.line.leave(conversation, messageId);
      throw error;
    }
    if (outcome.kind === 'retry') await this.line.park(conversation, messageId, Date.now() + outcome.delay.delayMs);
    // Not awaited: this replica's next command to Redis (the next message's `enter`) runs after it on the same
    // connection, and another replica that reads the line a moment early only waits a little longer.
    else void this.line.leave(conversation, messageId);
    return outcome;
  }

  private async parkBehind(conversation: string, messageId: string, context: OutcomeContext, ahead: LineHead): Promise<DeliveryOutcome> {
    context.state.deferrals += 1;
    const error = new DeliveryError(Category.CONVERSATION_HELD, `waiting behind message ${ahead.messageId} of the same conversation`);
    const delay = this.delayBehind(ahead);
    await this.line.park(conversation, messageId, Date.now() + delay.delayMs);
    return { kind: 'retry', context, error, delay };
  }

  /** Back once the head is likely done: the shortest tier behind a send, the tier covering the rest of its wait behind a parked head. */
  private delayBehind(ahead: LineHead): RetryDelay {
    const remainingMs = ahead.sending ? 0 : ahead.dueAt - Date.now();
    const tierMs = this.tiers.find((tier) => tier >= remainingMs) ?? this.tiers[this.tiers.length - 1];
    return { tierMs, delayMs: tierMs };
  }
}
