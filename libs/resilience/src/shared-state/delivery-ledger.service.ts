import { Inject, Injectable } from '@nestjs/common';
import { growingLruCache } from '@lib/observability';
import { LRUCache } from 'lru-cache';
import { MissedRedisWrites } from './missed-redis-writes';
import { RedisConnection } from './redis-connection.service';
import { RedisScript } from './redis-script';
import { SHARED_STATE_OPTIONS, SharedStateOptions } from './shared-state.options';

/**
 * `sent` carries the vendor's receipt of the send (any ids or status the vendor answered with, as the
 * service recorded it), so a redelivered copy can report the send exactly as the first time: the JSON
 * value it was stored as, or the raw text an earlier version stored (a bare vendor message id).
 */
export type ClaimResult =
  /** `claimedAt` names this claim: only it may give the claim up again. */
  | { outcome: 'claimed'; claimedAt: number }
  | { outcome: 'in-progress' }
  | { outcome: 'sent'; receipt: unknown }
  /** Redis is configured but unreachable while other replicas share the queue: a claim in this process would not hold. */
  | { outcome: 'unavailable' };

const DAY_SECONDS = 24 * 60 * 60;
const MAX_REMEMBERED = 200_000;
const PROCESSING = 'processing:';
const SENT = 'sent:';

/** SET NX, or take over a claim older than ARGV[2] ms; answers what it found (a `sent:` record whole). */
const CLAIM_SCRIPT = new RedisScript(
  `
local value = redis.call('GET', KEYS[1])
if value and string.sub(value, 1, 5) == 'sent:' then return value end
if value then
  local since = tonumber(string.sub(value, 12))
  if since and tonumber(ARGV[1]) - since <= tonumber(ARGV[2]) then return 'in-progress' end
end
redis.call('SET', KEYS[1], 'processing:' .. ARGV[1], 'EX', ARGV[3])
return 'claimed'`,
  1,
);

/** DEL KEYS[1] only while its value is ARGV[1]. */
const DELETE_IF_SCRIPT = new RedisScript(
  `
local value = redis.call('GET', KEYS[1])
if value == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`,
  1,
);

/**
 * What happened to each message, for a day (`ledgerTtlS`): claimed while a consumer works on it, `sent` (with the
 * vendor's receipt) once the vendor accepted it. In Redis when it is reachable (so it holds across replicas), else in
 * this process: a single replica goes on claiming there, while several replicas (`expectedReplicas` > 1) get no claim
 * at all, since another replica could be sending the same redelivered message. A `sent` record Redis refused is kept
 * here and written to Redis as soon as it is reachable again, so no replica ever claims a message this one sent.
 */
@Injectable()
export class DeliveryLedger {
  private readonly memory: LRUCache<string, string>;
  /** `sent` records Redis has not stored yet, by key: written before any command that follows its return. */
  private readonly missedSentRecords: MissedRedisWrites<string>;
  private readonly ttlS: number;

  constructor(
    private readonly redis: RedisConnection,
    @Inject(SHARED_STATE_OPTIONS) private readonly options: SharedStateOptions,
  ) {
    this.ttlS = options.ledgerTtlS ?? DAY_SECONDS;
    this.memory = growingLruCache<string, string>(MAX_REMEMBERED, { ttl: this.ttlS * 1000 });
    this.missedSentRecords = new MissedRedisWrites(redis, MAX_REMEMBERED, (client, value, key) => client.set(key, value, 'EX', this.ttlS));
  }

  claim(tenantId: string, messageId: string): Promise<ClaimResult> {
    const key = this.messageKey(tenantId, messageId);
    const now = Date.now();
    const known = this.memory.get(key);
    if (known?.startsWith(SENT)) return Promise.resolve(claimResultOf(known, now));
    return this.redis.withFallback(
      async (redis) => claimResultOf((await CLAIM_SCRIPT.run(redis, [key, now, this.options.staleClaimMs, this.ttlS])) as string, now),
      () => {
        if (this.redis.configured && this.options.expectedReplicas > 1) return { outcome: 'unavailable' };
        const value = this.memory.get(key);
        if (value?.startsWith(SENT)) return claimResultOf(value, now);
        if (value && now - Number(value.slice(PROCESSING.length)) <= this.options.staleClaimMs) return { outcome: 'in-progress' };
        this.memory.set(key, `${PROCESSING}${now}`);
        return { outcome: 'claimed', claimedAt: now };
      },
    );
  }

  /** Recorded as soon as the vendor accepted the message: a redelivered copy is then acked without a second send. */
  markSent(tenantId: string, messageId: string, receipt: unknown): Promise<void> {
    const key = this.messageKey(tenantId, messageId);
    const value = `${SENT}${JSON.stringify(receipt ?? null)}`;
    return this.redis.withFallback(
      async (redis) => void (await redis.set(key, value, 'EX', this.ttlS)),
      () => {
        this.memory.set(key, value);
        if (this.redis.configured) this.missedSentRecords.keep(key, value);
      },
    );
  }

  /**
   * Gives up the claim made at `claimedAt` (no send happened), so a retry or a replay of the message is handled
   * normally. A claim another consumer took over meanwhile, or a sent record, stays.
   */
  release(tenantId: string, messageId: string, claimedAt: number): Promise<void> {
    const key = this.messageKey(tenantId, messageId);
    const claim = `${PROCESSING}${claimedAt}`;
    return this.redis.withFallback(
      async (redis) => void (await DELETE_IF_SCRIPT.run(redis, [key, claim])),
      () => void (this.memory.get(key) === claim && this.memory.delete(key)),
    );
  }

  private messageKey(tenantId: string, messageId: string): string {
    return `${this.options.keyPrefix}msg:${tenantId}:${messageId}`;
  }
}

function claimResultOf(answer: string, now: number): ClaimResult {
  if (answer.startsWith(SENT)) return { outcome: 'sent', receipt: receiptOf(answer.slice(SENT.length)) };
  return answer === 'claimed' ? { outcome: 'claimed', claimedAt: now } : { outcome: 'in-progress' };
}

function receiptOf(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
