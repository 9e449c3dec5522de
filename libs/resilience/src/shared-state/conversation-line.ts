import { growingLruCache } from '@lib/observability';

/**
 * Where a message in a conversation's line is: being sent (the head), waiting for its turn in a replica, or
 * parked in the broker until `dueAt`.
 */
export type LineState = 'sending' | 'waiting' | 'parked';

export interface LinePlace {
  state: LineState;
  /** When its send started or it joined, or when its parked message is due back. */
  dueAt: number;
}

export type LineHead = LinePlace & { messageId: string };

/** `place`: messages ahead of this one, the head included (1 right behind it). */
export type LineEntry = { turn: true } | { turn: false; ahead: LineHead; place: number };

/** Lines remembered in process at most; a conversation's line is empty between its bursts and forgotten then. */
const MAX_LOCAL_LINES = 100_000;

/**
 * A conversation's line kept in this process, by the rules the Redis scripts follow (conversation-line.redis.ts):
 * the message at the head may be sent; the others wait for it in join order. A place lapses `staleMs` after it is
 * due (a send that never ended, a parked message that never came back), and a lapsed head is dropped so the line
 * moves on. A Map keeps its keys in insertion order, which is the line's order.
 */
export class LocalConversationLines {
  private readonly lines = growingLruCache<string, Map<string, LinePlace>>(MAX_LOCAL_LINES);

  constructor(private readonly staleMs: number) {}

  enter(conversation: string, messageId: string, now: number): LineEntry {
    const line = this.lineOf(conversation);
    for (const [id, place] of line) {
      if (place.dueAt + this.staleMs >= now) break;
      line.delete(id);
    }
    const head = line.entries().next().value;
    if (!head || head[0] === messageId) {
      line.set(messageId, { state: 'sending', dueAt: now });
      return { turn: true };
    }
    if (!line.has(messageId)) line.set(messageId, { state: 'waiting', dueAt: now });
    return { turn: false, ahead: { messageId: head[0], ...head[1] }, place: [...line.keys()].indexOf(messageId) };
  }

  park(conversation: string, messageId: string, dueAt: number): void {
    this.lineOf(conversation).set(messageId, { state: 'parked', dueAt });
  }

  leave(conversation: string, messageId: string): void {
    const line = this.lines.get(conversation);
    if (!line?.delete(messageId)) return;
    if (line.size === 0) this.lines.delete(conversation);
  }

  private lineOf(conversation: string): Map<string, LinePlace> {
    let line = this.lines.get(conversation);
    if (!line) {
      line = new Map();
      this.lines.set(conversation, line);
    }
    return line;
  }
}
