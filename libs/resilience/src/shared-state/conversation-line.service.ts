import { Inject, Injectable } from '@nestjs/common';
import { LineEntry, LineOrder, LocalConversationLines } from './conversation-line';
import { conversationLineKeys, enterInRedis, leaveInRedis, parkInRedis } from './conversation-line.redis';
import { MissedRedisWrites } from './missed-redis-writes';
import { RedisConnection } from './redis-connection.service';
import { SHARED_STATE_OPTIONS, SharedStateOptions } from './shared-state.options';

/** Places lapse on their own after `staleClaimMs`: remembering more leaves than this only shortens a few waits. */
const MAX_UNSYNCED_LEAVES = 10_000;

/** The head named when Redis did not answer, in a CONVERSATION_HELD reason if the send window ends meanwhile. */
const UNANSWERED = '(unknown: Redis did not answer)';

/** No answer from Redis this time: wait as behind a head being sent, and ask again after a short pause. */
const askAgain = (now: number): LineEntry => ({ turn: false, ahead: { messageId: UNANSWERED, state: 'waiting', dueAt: now }, place: 1 });

/**
 * Each conversation's messages in one line for every replica (in Redis; in this process when it is
 * unreachable): only the head is sent, so two messages of a conversation are never in flight at once on
 * any replica, and the others wait for it in the order they were published (where the publisher's time is
 * known, else in the order they joined), whether the head is being sent or parked for a retry. A head may
 * gather first, so that earlier messages still joining from other replicas go ahead of it. A message keeps
 * its place while it is parked, so one that arrives after the head was sent cannot overtake the ones
 * parked behind it unless it was published before them. A place lapses `staleClaimMs` after it is due (the
 * handling of a message never lasts longer), so a crash blocks a conversation that long at most.
 */
@Injectable()
export class ConversationLine {
  private readonly local: LocalConversationLines;
  /** Leaves Redis did not take, by conversation and message: sent when it answers again. */
  private readonly missedLeaves: MissedRedisWrites<[string, string]>;

  constructor(
    private readonly redis: RedisConnection,
    @Inject(SHARED_STATE_OPTIONS) private readonly options: SharedStateOptions,
  ) {
    this.local = new LocalConversationLines(options.staleClaimMs);
    this.missedLeaves = new MissedRedisWrites(redis, MAX_UNSYNCED_LEAVES, (client, [conversation, messageId]) =>
      leaveInRedis(client, this.keys(conversation), messageId),
    );
  }

  /**
   * The turn if the message heads the line (or the line was empty) and is done gathering (`order.gatherMs`),
   * else its place behind the head, which is answered (itself while it gathers).
   */
  enter(conversation: string, messageId: string, now = Date.now(), order: LineOrder = {}): Promise<LineEntry> {
    return this.redis.withFallback(
      (redis) => enterInRedis(redis, this.keys(conversation), messageId, now, this.options.staleClaimMs, order),
      () => (this.sharedButUnanswered() ? askAgain(now) : this.local.enter(conversation, messageId, now, order)),
    );
  }

  /**
   * Keeps the message's place (or joins it at the tail) while it waits in the broker until `dueAt`; with
   * `publishedAt`, a message published before it that joins meanwhile still goes ahead of it.
   */
  park(conversation: string, messageId: string, dueAt: number, now = Date.now(), publishedAt?: number): Promise<void> {
    return this.redis.withFallback(
      (redis) => parkInRedis(redis, this.keys(conversation), messageId, now, dueAt, this.options.staleClaimMs, publishedAt),
      () => this.local.park(conversation, messageId, dueAt, publishedAt),
    );
  }

  /**
   * The message is done (sent, dead-lettered, dropped): the next one in line may go. Never rejects. A leave
   * Redis did not take is sent again when it answers: its place would otherwise hold the line until it lapses.
   */
  leave(conversation: string, messageId: string): Promise<void> {
    return this.redis.withFallback(
      (redis) => leaveInRedis(redis, this.keys(conversation), messageId),
      () => {
        this.local.leave(conversation, messageId);
        if (this.redis.configured) this.missedLeaves.keep(`${conversation}\n${messageId}`, [conversation, messageId]);
      },
    );
  }

  /**
   * One command failed on a connection that stays up (often this process stalled past the command timeout, and
   * Redis did run it). The line in this process knows nothing of the other replicas' messages: a turn it gave
   * could send out of order, or beside a message of the conversation at the vendor. Once Redis is marked
   * unreachable, the ledger sends nothing with several replicas (LEDGER_UNAVAILABLE), so the local line may answer.
   */
  private sharedButUnanswered(): boolean {
    return this.redis.available && this.options.expectedReplicas > 1;
  }

  private keys(conversation: string): [string, string] {
    return conversationLineKeys(this.options.keyPrefix, conversation);
  }
}
