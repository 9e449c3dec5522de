import { growingLruCache } from '@lib/observability';

/**
 * Where a message in a conversation's line is: gathering at the head (waiting a moment for messages published
 * before it that other replicas are still taking off the queue), being sent, waiting for its turn in a
 * replica, or parked in the broker until `dueAt`.
 */
export type LineState = 'gathering' | 'sending' | 'waiting' | 'parked';

export interface LinePlace {
  state: LineState;
  /** When its send started or it joined, when its gathering ends, or when its parked message is due back. */
  dueAt: number;
  /** When its publisher published it (epoch ms), if known: what orders the places not being sent. */
  publishedAt?: number;
}

export type LineHead = LinePlace & { messageId: string };

/**
 * `place`: messages ahead of this one, the head included (1 right behind it). A message gathering at the head
 * is told `{ turn: false, ahead: itself, place: 0 }`: come back at `ahead.dueAt`.
 */
export type LineEntry = { turn: true } | { turn: false; ahead: LineHead; place: number };

/**
 * How a message joins: `publishedAt` puts it ahead of the places not being sent (waiting, gathering or parked)
 * that were published after it; without it, it joins at the tail and nothing overtakes it. `gatherMs` > 0 makes it
 * wait that long once it reaches the head before it is sent; entering with 0 ends that wait early.
 */
export interface LineOrder {
  publishedAt?: number;
  gatherMs?: number;
}

/** Lines remembered in process at most; a conversation's line is empty between its bursts and forgotten then. */
const MAX_LOCAL_LINES = 100_000;

interface Member {
  messageId: string;
  place: LinePlace;
}

/**
 * Not being sent, and published after `publishedAt`: a message published earlier goes ahead of it. That holds
 * for a parked place too: a message that reaches the line late (held by a replica that died, say) still goes
 * ahead of a later one waiting in the broker for its turn or for a retry.
 */
function overtakes(publishedAt: number | undefined, place: LinePlace): boolean {
  return publishedAt !== undefined && place.publishedAt !== undefined && place.publishedAt > publishedAt && place.state !== 'sending';
}

/**
 * A conversation's line kept in this process, by the rules the Redis scripts follow (conversation-line.redis.ts):
 * the message at the head may be sent, after gathering if it asks to; the others wait for it, in the order they
 * were published where that is known, else in join order. A place lapses `staleMs` after it is due (a send that
 * never ended, a parked message that never came back), and a lapsed head is dropped so the line moves on.
 */
export class LocalConversationLines {
  private readonly lines = growingLruCache<string, Member[]>(MAX_LOCAL_LINES);

  constructor(private readonly staleMs: number) {}

  enter(conversation: string, messageId: string, now: number, order: LineOrder = {}): LineEntry {
    const line = this.lineOf(conversation);
    while (line.length > 0 && line[0].place.dueAt + this.staleMs < now) line.shift();
    let at = line.findIndex((member) => member.messageId === messageId);
    if (at < 0) at = this.join(line, { messageId, place: { state: 'waiting', dueAt: now, publishedAt: order.publishedAt } });
    if (at > 0) return { turn: false, ahead: { messageId: line[0].messageId, ...line[0].place }, place: at };
    const head = line[0].place;
    if (head.state === 'gathering' && now < head.dueAt && (order.gatherMs ?? 0) > 0) return gathering(messageId, head);
    if (head.state === 'waiting' && (order.gatherMs ?? 0) > 0) {
      line[0].place = { ...head, state: 'gathering', dueAt: now + order.gatherMs! };
      return gathering(messageId, line[0].place);
    }
    line[0].place = { ...head, state: 'sending', dueAt: now };
    return { turn: true };
  }

  park(conversation: string, messageId: string, dueAt: number, publishedAt?: number): void {
    const line = this.lineOf(conversation);
    const member = line.find((m) => m.messageId === messageId);
    const place: LinePlace = { state: 'parked', dueAt, ...(publishedAt === undefined ? {} : { publishedAt }) };
    if (member) member.place = place;
    else line.push({ messageId, place });
  }

  leave(conversation: string, messageId: string): void {
    const line = this.lines.get(conversation);
    const at = line?.findIndex((member) => member.messageId === messageId) ?? -1;
    if (at < 0) return;
    line!.splice(at, 1);
    if (line!.length === 0) this.lines.delete(conversation);
  }

  /** Ahead of the first place it overtakes, else at the tail; a gathering head it displaced waits behind it. */
  private join(line: Member[], member: Member): number {
    const at = line.findIndex((other) => overtakes(member.place.publishedAt, other.place));
    if (at < 0) return line.push(member) - 1;
    if (at === 0 && line[0].place.state === 'gathering') line[0].place = { ...line[0].place, state: 'waiting' };
    line.splice(at, 0, member);
    return at;
  }

  private lineOf(conversation: string): Member[] {
    let line = this.lines.get(conversation);
    if (!line) {
      line = [];
      this.lines.set(conversation, line);
    }
    return line;
  }
}

const gathering = (messageId: string, place: LinePlace): LineEntry => ({ turn: false, ahead: { messageId, ...place }, place: 0 });
