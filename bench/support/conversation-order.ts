import { RecordedRequest } from '@lib/testing';

/**
 * Conversations of several messages for the throughput bench, each message a text whose body names it, so
 * each call Meta records is known by its body, and the arrivals show whether a conversation's messages kept
 * their order and whether one was sent while another was in flight. Spread, message `i` goes to
 * conversation `i % (messages / length)`: a conversation's messages are that many messages apart, as an
 * agent's replies are seconds apart; back to back, to conversation `i / length`, as a burst of replies at once.
 */
export class BenchConversations {
  private readonly count: number;

  constructor(
    readonly length: number,
    messages: number,
    private readonly backToBack: boolean,
  ) {
    this.count = Math.ceil(messages / length);
  }

  recipientOf(index: number): string {
    const conversation = this.backToBack ? Math.floor(index / this.length) : index % this.count;
    return `+49${String(conversation).padStart(10, '0')}`;
  }

  /** The key of message `index`: its recipient when each has one message, else the text's body. */
  keyOf(index: number): string {
    return this.length === 1 ? this.recipientOf(index) : this.textOf(index);
  }

  textOf(index: number): string {
    return `m${index}`;
  }

  /** The key of a call Meta recorded (see `keyOf`). */
  keyOfCall(request: RecordedRequest): string {
    return this.length === 1 ? request.body?.to : request.body?.text?.body;
  }

  /**
   * Conversations whose accepted calls arrived in publish order, and calls that arrived while the one before
   * them in their conversation was still at Meta (less than `latencyMs` after it).
   */
  orderOf(accepted: RecordedRequest[], latencyMs: number): { inOrder: number; conversations: number; overlapping: number } {
    const byRecipient = new Map<string, RecordedRequest[]>();
    for (const request of accepted) {
      const calls = byRecipient.get(request.body.to) ?? [];
      calls.push(request);
      byRecipient.set(request.body.to, calls);
    }
    let inOrder = 0;
    let overlapping = 0;
    for (const calls of byRecipient.values()) {
      calls.sort((a, b) => a.receivedAt - b.receivedAt);
      const indices = calls.map((call) => Number(String(call.body.text?.body).slice(1)));
      if (indices.every((index, i) => i === 0 || index > indices[i - 1])) inOrder += 1;
      overlapping += calls.filter((call, i) => i > 0 && call.receivedAt - calls[i - 1].receivedAt < latencyMs).length;
    }
    return { inOrder, conversations: byRecipient.size, overlapping };
  }
}
