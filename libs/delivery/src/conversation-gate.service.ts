import { Inject, Injectable } from '@nestjs/common';
import { DeliveryOutcome, OutcomeContext } from '@lib/messaging';
import {
  ConversationLine,
  ConversationSequencer,
  DeliveryError,
  DeliveryErrorCategory as Category,
  LineEntry,
  LineHead,
  LineOrder,
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

/** A message as its line knows it: `publishedAt` is when its publisher published it (epoch ms). */
type LineMessage = { messageId: string; publishedAt: number };

/**
 * Keeps each conversation (a tenant and its customer, as the service defines it) in order. Across
 * replicas its messages stand in one line (`ConversationLine`), joined as they are consumed, in the order
 * they were published, and only the head is sent; a head that waited in the queue gathers first
 * (`gatherMs`), so that earlier messages other replicas are still taking off a backlog go ahead of it. The
 * head also holds the conversation's lock in its replica until its outcome is settled in the broker, so the
 * next one starts after that. A message behind a head that is being sent, gathering or waiting in a
 * replica waits for its turn here; behind a head parked for a retry, it is parked in a tier queue until
 * about when the head is due back, keeping its place. The head leaves the line once it is sent or
 * dead-lettered.
 */
@Injectable()
export class ConversationGate {
  private readonly sequencer: ConversationSequencer;
  private readonly tiers: number[];
  private readonly sendWindowMs: number;
  private readonly gatherMs: number;

  constructor(
    private readonly line: ConversationLine,
    @Inject(DELIVERY_OPTIONS) options: DeliveryOptions,
  ) {
    this.sequencer = new ConversationSequencer(options.conversationTurnMs);
    this.tiers = retryDelayTiers(options.retry);
    this.sendWindowMs = options.sendWindowMs;
    this.gatherMs = options.gatherMs ?? 0;
  }

  /**
   * `conversation`: the message's conversation key, or undefined when it needs no order. `publishedAt`: when its
   * publisher published it (epoch ms), which orders it in the line.
   */
  async inOrder(
    conversation: string | undefined,
    message: LineMessage,
    context: OutcomeContext,
    deliver: () => Promise<DeliveryOutcome>,
  ): Promise<DeliveryOutcome> {
    if (!conversation) return deliver();
    const { messageId, publishedAt } = message;
    // A message taken off the queue as it was published is sent at once; one that waited gathers first.
    const order = { publishedAt, gatherMs: Date.now() - publishedAt > this.gatherMs ? this.gatherMs : 0 };
    // Joined at once, so the line also holds the messages published earlier that have not reached it yet.
    let entry = await this.line.enter(conversation, messageId, Date.now(), order);
    if (!entry.turn) entry = await this.waitForTurn(conversation, messageId, order, entry);
    if (!entry.turn) return this.parkBehind(conversation, message, context, entry.ahead);
    // Only a head takes the lock in process, after the line gave it the turn: a message waiting for its turn
    // while holding it would keep out a head of this replica that it waits for.
    const release = await this.sequencer.acquire(conversation);
    try {
      const outcome = await this.asHead(conversation, message, deliver);
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
  private async waitForTurn(conversation: string, messageId: string, order: LineOrder, entry: LineEntry): Promise<LineEntry> {
    const deadline = Date.now() + this.sendWindowMs;
    let pauseMs = FIRST_PAUSE_MS;
    while (!entry.turn && entry.ahead.state !== 'parked') {
      // Gathering at the head: back when it ends.
      const gathering = entry.place === 0;
      const waitMs = gathering ? Math.max(1, entry.ahead.dueAt - Date.now()) : pauseMs;
      if (Date.now() + waitMs > deadline) {
        // No time left to gather: its own call must still end within the handling deadline.
        if (gathering) entry = await this.line.enter(conversation, messageId, Date.now(), { ...order, gatherMs: 0 });
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, waitMs));
      if (entry.place > 0) pauseMs = Math.min(pauseMs * 2, PAUSE_PER_PLACE_MS * entry.place, MAX_PAUSE_MS);
      entry = await this.line.enter(conversation, messageId, Date.now(), order);
    }
    return entry;
  }

  private async asHead(
    conversation: string,
    { messageId, publishedAt }: LineMessage,
    deliver: () => Promise<DeliveryOutcome>,
  ): Promise<DeliveryOutcome> {
    let outcome: DeliveryOutcome;
    try {
      outcome = await deliver();
    } catch (error) {
      await this.line.leave(conversation, messageId);
      throw error;
    }
    const now = Date.now();
    if (outcome.kind === 'retry') await this.line.park(conversation, messageId, now + outcome.delay.delayMs, now, publishedAt);
    // Not awaited: this replica's next command to Redis (the next message's `enter`) runs after it on the same
    // connection, and another replica that reads the line a moment early only waits a little longer.
    else void this.line.leave(conversation, messageId);
    return outcome;
  }

  private async parkBehind(
    conversation: string,
    { messageId, publishedAt }: LineMessage,
    context: OutcomeContext,
    ahead: LineHead,
  ): Promise<DeliveryOutcome> {
    context.state.deferrals += 1;
    const error = new DeliveryError(Category.CONVERSATION_HELD, `waiting behind message ${ahead.messageId} of the same conversation`);
    const delay = this.delayBehind(ahead);
    const now = Date.now();
    await this.line.park(conversation, messageId, now + delay.delayMs, now, publishedAt);
    return { kind: 'retry', context, error, delay };
  }

  /** Back once the head is due: the tier covering the rest of its wait behind a parked head, the shortest behind a send that outlasted the wait. */
  private delayBehind(ahead: LineHead): RetryDelay {
    const remainingMs = ahead.state === 'parked' ? ahead.dueAt - Date.now() : 0;
    const tierMs = this.tiers.find((tier) => tier >= remainingMs) ?? this.tiers[this.tiers.length - 1];
    return { tierMs, delayMs: tierMs };
  }
}
