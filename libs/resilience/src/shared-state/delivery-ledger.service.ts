import { Inject, Injectable } from '@nestjs/common';
import { growingLruCache } from '@lib/observability';
import { LRUCache } from 'lru-cache';
import { RedisConnection } from './redis-connection.service';
import { RedisScript } from './redis-script';
import { SHARED_STATE_OPTIONS, SharedStateOptions } from './shared-state.options';

/**
 * `sent` carries the vendor's receipt of the send (any ids or status the vendor answered with, as the
 * service recorded it), so a redelivered copy can report the send exactly as the first time: the JSON
 * value it was stored as, or the raw text an earlier version stored (a bare vendor message id).
 */
export type ClaimResult = { outcome: 'claimed' } | { outcome: 'in-progress' } | { outcome: 'sent'; receipt: unknown };

/**
 * A conversation's message: held behind another message (nothing claimed), or claimed as `claim` answers;
 * `ownHold` when this message holds the conversation itself (it is the one being retried).
 */
export type ConversationClaim = { outcome: 'held'; hold: ConversationHold } | { outcome: 'admitted'; claim: ClaimResult; ownHold: boolean };

export interface ConversationHold {
  messageId: string;
  /** The wait queue the held message is parked in: a tier (ms), or 0 for its tenant's delay queue. */
  tierMs: number;
  /** How long the hold may last at most (the held message's wait plus a margin). */
  waitMs?: number;
}

const DAY_SECONDS = 24 * 60 * 60;
const PROCESSING = 'processing:';
const SENT = 'sent:';

/** SET NX, or take over a claim older than `stale` ms; answers what it found (a `sent:` record whole). */
const CLAIM_FUNCTION = `
local function claim(key, now, stale, ttl)
  local value = redis.call('GET', key)
  if value and string.sub(value, 1, 5) == 'sent:' then return value end
  if value then
    local since = tonumber(string.sub(value, 12))
    if since and tonumber(now) - since <= tonumber(stale) then return 'in-progress' end
  end
  redis.call('SET', key, 'processing:' .. now, 'EX', ttl)
  return 'claimed'
end`;

/** KEYS: message. ARGV: now, stale claim ms, TTL s. */
const CLAIM_SCRIPT = new RedisScript(`${CLAIM_FUNCTION}\nreturn claim(KEYS[1], ARGV[1], ARGV[2], ARGV[3])`, 1);

/**
 * KEYS: message, conversation. ARGV: now, stale claim ms, TTL s, message id. Claims nothing while
 * another message holds the conversation (answers {'held', hold}); else {claim, 'own' when this message holds it}.
 */
const CLAIM_IN_CONVERSATION_SCRIPT = new RedisScript(
  `${CLAIM_FUNCTION}
local hold = redis.call('GET', KEYS[2])
if hold and string.match(hold, '^(.*)|') ~= ARGV[4] then return {'held', hold} end
return {claim(KEYS[1], ARGV[1], ARGV[2], ARGV[3]), hold and 'own' or ''}`,
  2,
);

/** DEL KEYS[1] only while its value starts with ARGV[1]. */
const DELETE_IF_SCRIPT = new RedisScript(
  `
local value = redis.call('GET', KEYS[1])
if value and string.sub(value, 1, string.len(ARGV[1])) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`,
  1,
);

/** DEL KEYS[1] only while the hold it stores (`messageId|tierMs`) is ARGV[1]'s: the id is all before the last '|'. */
const RELEASE_HOLD_SCRIPT = new RedisScript(
  `
local value = redis.call('GET', KEYS[1])
if value and string.match(value, '^(.*)|') == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`,
  1,
);

/**
 * What happened to each message, for a day (`ledgerTtlS`): claimed while a consumer works on it, `sent` (with the
 * vendor's receipt) once the vendor accepted it. In Redis when it is reachable (so it holds across replicas), else in this process.
 * Also remembers, per conversation, which message is waiting for a retry so later ones queue behind it.
 */
@Injectable()
export class DeliveryLedger {
  private readonly memory: LRUCache<string, string>;
  private readonly ttlS: number;

  constructor(
    private readonly redis: RedisConnection,
    @Inject(SHARED_STATE_OPTIONS) private readonly options: SharedStateOptions,
  ) {
    this.ttlS = options.ledgerTtlS ?? DAY_SECONDS;
    this.memory = growingLruCache<string, string>(200_000, { ttl: this.ttlS * 1000 });
  }

  claim(tenantId: string, messageId: string): Promise<ClaimResult> {
    const key = this.messageKey(tenantId, messageId);
    const now = Date.now();
    return this.redis.withFallback(
      async (redis) => claimResultOf((await CLAIM_SCRIPT.run(redis, [key, now, this.options.staleClaimMs, this.ttlS])) as string),
      () => this.claimInMemory(key, now),
    );
  }

  /**
   * The conversation's hold and the message's claim in one round trip: unless another message holds the
   * conversation, claims the message as `claim` does.
   */
  claimInConversation(tenantId: string, messageId: string, conversation: string): Promise<ConversationClaim> {
    const key = this.messageKey(tenantId, messageId);
    const conversationKey = this.conversationKey(conversation);
    const now = Date.now();
    return this.redis.withFallback(
      async (redis) => {
        const args = [key, conversationKey, now, this.options.staleClaimMs, this.ttlS, messageId];
        const [answer, hold] = (await CLAIM_IN_CONVERSATION_SCRIPT.run(redis, args)) as [string, string];
        return answer === 'held'
          ? { outcome: 'held', hold: parseHold(hold)! }
          : { outcome: 'admitted', claim: claimResultOf(answer), ownHold: hold === 'own' };
      },
      () => {
        const hold = parseHold(this.memory.get(conversationKey) ?? null);
        if (hold && hold.messageId !== messageId) return { outcome: 'held', hold };
        return { outcome: 'admitted', claim: this.claimInMemory(key, now), ownHold: hold !== undefined };
      },
    );
  }

  /** Recorded as soon as the vendor accepted the message: a redelivered copy is then acked without a second send. */
  markSent(tenantId: string, messageId: string, receipt: unknown): Promise<void> {
    const key = this.messageKey(tenantId, messageId);
    const value = `${SENT}${JSON.stringify(receipt ?? null)}`;
    return this.redis.withFallback(
      async (redis) => void (await redis.set(key, value, 'EX', this.ttlS)),
      () => void this.memory.set(key, value),
    );
  }

  /** Gives up a claim (no send happened), so a retry or a replay of the message is handled normally. */
  release(tenantId: string, messageId: string): Promise<void> {
    const key = this.messageKey(tenantId, messageId);
    return this.redis.withFallback(
      async (redis) => void (await DELETE_IF_SCRIPT.run(redis, [key, PROCESSING])),
      () => void (this.memory.get(key)?.startsWith(PROCESSING) && this.memory.delete(key)),
    );
  }

  holdOf(conversation: string): Promise<ConversationHold | undefined> {
    const key = this.conversationKey(conversation);
    return this.redis.withFallback(
      async (redis) => parseHold(await redis.get(key)),
      () => parseHold(this.memory.get(key) ?? null),
    );
  }

  /**
   * Holds a conversation behind `hold.messageId` while it waits for its retry. The hold outlives the
   * wait only by the claim staleness margin, so a hold that was never lifted (a crash, a Redis outage
   * at the wrong moment) cannot block a conversation for long.
   */
  hold(conversation: string, hold: ConversationHold): Promise<void> {
    const key = this.conversationKey(conversation);
    const value = `${hold.messageId}|${hold.tierMs}`;
    const ttlMs = (hold.waitMs ?? hold.tierMs) + this.options.staleClaimMs;
    return this.redis.withFallback(
      async (redis) => void (await redis.set(key, value, 'PX', ttlMs)),
      () => void this.memory.set(key, value, { ttl: ttlMs }),
    );
  }

  /** Lifts a conversation's hold if `messageId` is the message holding it (not merely a prefix of its id). */
  releaseHold(conversation: string, messageId: string): Promise<void> {
    const key = this.conversationKey(conversation);
    return this.redis.withFallback(
      async (redis) => void (await RELEASE_HOLD_SCRIPT.run(redis, [key, messageId])),
      () => void (parseHold(this.memory.get(key) ?? null)?.messageId === messageId && this.memory.delete(key)),
    );
  }

  private claimInMemory(key: string, now: number): ClaimResult {
    const value = this.memory.get(key);
    if (value?.startsWith(SENT)) return claimResultOf(value);
    if (value && now - Number(value.slice(PROCESSING.length)) <= this.options.staleClaimMs) return claimResultOf('in-progress');
    this.memory.set(key, `${PROCESSING}${now}`);
    return claimResultOf('claimed');
  }

  private messageKey(tenantId: string, messageId: string): string {
    return `${this.options.keyPrefix}msg:${tenantId}:${messageId}`;
  }

  private conversationKey(conversation: string): string {
    return `${this.options.keyPrefix}conv:${conversation}`;
  }
}

function claimResultOf(answer: string): ClaimResult {
  if (answer.startsWith(SENT)) return { outcome: 'sent', receipt: receiptOf(answer.slice(SENT.length)) };
  return { outcome: answer as 'claimed' | 'in-progress' };
}

function receiptOf(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function parseHold(value: string | null): ConversationHold | undefined {
  if (!value) return undefined;
  const separator = value.lastIndexOf('|');
  return { messageId: value.slice(0, separator), tierMs: Number(value.slice(separator + 1)) };
}
