import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { RedisConnection } from './redis-connection.service';
import { SHARED_STATE_OPTIONS, SharedStateOptions } from './shared-state.options';

/** What the vendor's answer said about a send, kept so a redelivered copy reports the send exactly as the first time. */
export interface SentRecord {
  /** The vendor's message id (Meta's wamid); null when it gave none. */
  wamid: string | null;
  /** The vendor's status for the accepted send (Meta's `message_status`), when it gave one. */
  messageStatus: string | null;
  /** Why `wamid` is null although the send should have had one. */
  reason: string | null;
}

export type ClaimResult = { outcome: 'claimed' } | { outcome: 'in-progress' } | ({ outcome: 'sent' } & SentRecord);

export interface ConversationHold {
  internalId: string;
  /** The wait queue the held message is parked in: a tier (ms), or 0 for its tenant's delay queue. */
  tierMs: number;
  /** How long the hold may last at most (the held message's wait plus a margin). */
  waitMs?: number;
}

const DAY_SECONDS = 24 * 60 * 60;
const PROCESSING = 'processing:';
const SENT = 'sent:';

/** SET NX, or take over a claim older than ARGV[2] ms; answers what it found (a `sent:` record whole). */
const CLAIM_SCRIPT = `
local value = redis.call('GET', KEYS[1])
if value and string.sub(value, 1, 5) == 'sent:' then return value end
if value then
  local since = tonumber(string.sub(value, 12))
  if since and tonumber(ARGV[1]) - since <= tonumber(ARGV[2]) then return 'in-progress' end
end
redis.call('SET', KEYS[1], 'processing:' .. ARGV[1], 'EX', ARGV[3])
return 'claimed'`;

/** DEL KEYS[1] only while its value starts with ARGV[1]. */
const DELETE_IF_SCRIPT = `
local value = redis.call('GET', KEYS[1])
if value and string.sub(value, 1, string.len(ARGV[1])) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * What happened to each message, for 24 h: claimed while a consumer works on it, `sent` once Meta
 * accepted it. In Redis when it is reachable (so it holds across replicas), else in this process.
 * Also remembers, per conversation, which message is waiting for a retry so later ones queue behind it.
 */
@Injectable()
export class DeliveryLedger {
  private readonly memory = new LRUCache<string, string>({ max: 200_000, ttl: DAY_SECONDS * 1000 });

  constructor(
    private readonly redis: RedisConnection,
    @Inject(SHARED_STATE_OPTIONS) private readonly options: SharedStateOptions,
  ) {}

  claim(tenantId: string, internalId: string): Promise<ClaimResult> {
    const key = this.messageKey(tenantId, internalId);
    const now = Date.now();
    return this.redis.withFallback(
      async (redis) => claimResultOf((await redis.eval(CLAIM_SCRIPT, 1, key, now, this.options.staleClaimMs, DAY_SECONDS)) as string),
      () => {
        const value = this.memory.get(key);
        if (value?.startsWith(SENT)) return claimResultOf(value);
        if (value && now - Number(value.slice(PROCESSING.length)) <= this.options.staleClaimMs) return claimResultOf('in-progress');
        this.memory.set(key, `${PROCESSING}${now}`);
        return claimResultOf('claimed');
      },
    );
  }

  /** Recorded as soon as Meta answered 2xx: a redelivered copy is then acked without a second send. */
  markSent(tenantId: string, internalId: string, sent: SentRecord): Promise<void> {
    const key = this.messageKey(tenantId, internalId);
    const value = `${SENT}${encodeSent(sent)}`;
    return this.redis.withFallback(
      async (redis) => void (await redis.set(key, value, 'EX', DAY_SECONDS)),
      () => void this.memory.set(key, value),
    );
  }

  /** Gives up a claim (no send happened), so a retry or a replay of the message is handled normally. */
  release(tenantId: string, internalId: string): Promise<void> {
    const key = this.messageKey(tenantId, internalId);
    return this.redis.withFallback(
      async (redis) => void (await redis.eval(DELETE_IF_SCRIPT, 1, key, PROCESSING)),
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
   * Holds a conversation behind `hold.internalId` while it waits for its retry. The hold outlives the
   * wait only by the claim staleness margin, so a hold that was never lifted (a crash, a Redis outage
   * at the wrong moment) cannot block a conversation for long.
   */
  hold(conversation: string, hold: ConversationHold): Promise<void> {
    const key = this.conversationKey(conversation);
    const value = `${hold.internalId}|${hold.tierMs}`;
    const ttlMs = (hold.waitMs ?? hold.tierMs) + this.options.staleClaimMs;
    return this.redis.withFallback(
      async (redis) => void (await redis.set(key, value, 'PX', ttlMs)),
      () => void this.memory.set(key, value, { ttl: ttlMs }),
    );
  }

  /** Lifts a conversation's hold if `internalId` is the message holding it. */
  releaseHold(conversation: string, internalId: string): Promise<void> {
    const key = this.conversationKey(conversation);
    return this.redis.withFallback(
      async (redis) => void (await redis.eval(DELETE_IF_SCRIPT, 1, key, `${internalId}|`)),
      () => void (this.memory.get(key)?.startsWith(`${internalId}|`) && this.memory.delete(key)),
    );
  }

  private messageKey(tenantId: string, internalId: string): string {
    return `${this.options.keyPrefix}msg:${tenantId}:${internalId}`;
  }

  private conversationKey(conversation: string): string {
    return `${this.options.keyPrefix}conv:${conversation}`;
  }
}

function claimResultOf(answer: string): ClaimResult {
  if (answer.startsWith(SENT)) return { outcome: 'sent', ...decodeSent(answer.slice(SENT.length)) };
  return { outcome: answer as 'claimed' | 'in-progress' };
}

/** The wamid alone in the common case (the record earlier versions wrote); JSON when there is more to keep. */
function encodeSent(sent: SentRecord): string {
  if (sent.messageStatus === null && sent.reason === null) return sent.wamid ?? '';
  return JSON.stringify({ wamid: sent.wamid, messageStatus: sent.messageStatus, reason: sent.reason });
}

function decodeSent(text: string): SentRecord {
  if (!text.startsWith('{')) return { wamid: text || null, messageStatus: null, reason: null };
  try {
    const { wamid, messageStatus, reason } = JSON.parse(text) as Partial<Record<keyof SentRecord, unknown>>;
    return { wamid: stringOrNull(wamid), messageStatus: stringOrNull(messageStatus), reason: stringOrNull(reason) };
  } catch {
    return { wamid: null, messageStatus: null, reason: 'the sent record in the delivery ledger could not be read' };
  }
}

const stringOrNull = (value: unknown): string | null => (typeof value === 'string' ? value : null);

function parseHold(value: string | null): ConversationHold | undefined {
  if (!value) return undefined;
  const separator = value.lastIndexOf('|');
  return { internalId: value.slice(0, separator), tierMs: Number(value.slice(separator + 1)) };
}
