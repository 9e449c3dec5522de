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

/**
 * Pauses between readings of the line while the head is being sent: from 5 ms, doubling up to 50 ms for each
 * message ahead (a place further back has longer to wait), and 1 s at most.
 */
const FIRST_PAUSE_MS = 5;
const PAUSE_PER_PLACE_MS = 50;
const MAX_PAUSE_MS = 1000;

/**
 * Keeps each conversation (a tenant and its customer, as the service defines it) in order. Across
 * replicas its messages stand in one line (`ConversationLine`), joined as they are consumed, and only
 * the head is sent; the head also holds the conversation's lock in its replica until its outcome is
 * settled in the broker, so the next one starts after that. A message behind a head that is being sent
 * or waits in a replica waits for its turn here; behind a head parked for a retry, it is parked in a
 * tier queue until about when the head is due back, keeping its place. The head leaves the line once it
 * is sent or dead-lettered.
 */
@Injectable()
export class ConversationGate {
  private readonly sequencer: ConversationSequencer;
  private readonly tiers: number[];
  private readonly sendWindowMs: number;

  constructor(
    private readonly line: ConversationLine,
    @Inject(DELIVERY_OPTIONS) options: DeliveryOptions,
  ) {
    this.sequencer = new ConversationSequencer(options.conversationTurnMs);
    this.tiers = retryDelayTiers(options.retry);
    this.sendWindowMs = options.sendWindowMs;
  }

  /** `conversation`: the message's conversation key, or undefined when it needs no order. */
  async inOrder(
    conversation: string | undefined,
    messageId: string,
    context: OutcomeContext,
    deliver: () => Promise<DeliveryOutcome>,
  ): Promise<DeliveryOutcome> {
    if (!conversation) return deliver();
    // Joined at once, so the line takes the order in which the broker handed the conversation's messages to
    // this replica and the others.
    let entry = await this.line.enter(conversation, messageId);
    if (!entry.turn) entry = await this.waitForTurn(conversation, messageId, entry);
    if (!entry.turn) return this.parkBehind(conversation, messageId, context, entry.ahead);
    // Only a head takes the lock in process, after the line gave it the turn: a message waiting for its turn
    // while holding it would keep out a head of this replica that it waits for.
    const release = await this.sequencer.acquire(conversation);
    try {
      const outcome = await this.asHead(conversation, messageId, deliver);
      return { ...outcome, onSettled: release };
    } catch (error) {
      release();
      throw error;
    }
  }

  /**
   * Behind a head that is being sent or waits for its turn in a replica, waits here, reading the line again
   * after pauses that grow with its place in it, for at most the send window, so that its own call still ends
   * within the handling deadline. It waits present: parked, it could be the head while away, and the whole line
   * would wait for it to come back.
   */
  private async waitForTurn(conversation: string, messageId: string, entry: LineEntry): Promise<LineEntry> {
    const deadline = Date.now() + this.sendWindowMs;
    let pauseMs = FIRST_PAUSE_MS;
    while (!entry.turn && entry.ahead.state !== 'parked' && Date.now() + pauseMs <= deadline) {
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
      pauseMs = Math.min(pauseMs * 2, PAUSE_PER_PLACE_MS * entry.place, MAX_PAUSE_MS);
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

  /** Back once the head is due: the tier covering the rest of its wait behind a parked head, the shortest behind a send that outlasted the wait. */
  private delayBehind(ahead: LineHead): RetryDelay {
    const remainingMs = ahead.state === 'parked' ? ahead.dueAt - Date.now() : 0;
    const tierMs = this.tiers.find((tier) => tier >= remainingMs) ?? this.tiers[this.tiers.length - 1];
    return { tierMs, delayMs: tierMs };
  }
}
