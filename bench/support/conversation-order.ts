import { RecordedRequest } from '@lib/testing';

/**
 * Conversations of several messages for the throughput bench, each message a text whose body names it, so
 * each call Meta records is known by its body, and its arrivals show (`conversationOrder`) whether a
 * conversation's messages kept their order and whether one was sent while another was in flight. Spread, message `i` goes to
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

  /** Where message `index` stands among all, read back from a call's text: what orders a conversation. */
  placeOfCall(request: RecordedRequest): number {
    return Number(String(request.body.text?.body).slice(1));
  }
}
