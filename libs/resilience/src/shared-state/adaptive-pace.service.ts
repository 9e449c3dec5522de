import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { LRUCache } from 'lru-cache';
import { LearnedPace, lowered, paceOf, parseLearnedPace, raised } from './learned-pace';
import { RedisConnection } from './redis-connection.service';
import { SHARED_STATE_OPTIONS, SharedStateOptions } from './shared-state.options';

/** Sets KEYS[1] to ARGV[2] (deletes it when empty) only while it still holds ARGV[1] ('' for none). */
const COMPARE_AND_SET_SCRIPT = `
if (redis.call('GET', KEYS[1]) or '') ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
return 1`;

/** How often a replica reads the shared pace of a number it sends for, and reports its successes. */
const SYNC_EVERY_MS = 500;
/** Successes earn an increase for at most this long per sync (a replica that stalled claims no more). */
const MAX_CREDIT_MS = 2 * SYNC_EVERY_MS;
/** A learned pace is forgotten after an hour without change (the number back at its stated limit). */
const KEEP_MS = 60 * 60_000;
const MAX_UPDATE_TRIES = 3;

interface NumberPace {
  learned?: LearnedPace;
  syncedAt: number;
  syncing: boolean;
  sentSinceSync: number;
}

/**
 * Each number's pace, lowered on Meta's 130429 and raised again while sends succeed (additive
 * increase, multiplicative decrease), so a tenant record that overstates a number's tier converges to
 * the real one instead of spending attempts on 130429s. Shared through Redis, so one replica's 130429
 * slows them all within a sync; the hot path never waits for Redis: successes are counted here and
 * reported with the periodic read. Without Redis each replica learns on its own.
 */
@Injectable()
export class AdaptivePace {
  private readonly logger = new Logger('AdaptivePace');
  /** Kept while in use; a number idle for an hour starts again from its stated limit. */
  private readonly numbers = new LRUCache<string, NumberPace>({ max: 100_000, ttl: KEEP_MS, updateAgeOnGet: true });

  constructor(
    private readonly redis: RedisConnection,
    @Inject(SHARED_STATE_OPTIONS) private readonly options: SharedStateOptions,
  ) {}

  /** Messages per second to pace `phoneNumberId` at now; starts a sync in the background when one is due. */
  limitOf(phoneNumberId: string, statedMps: number): number {
    const number = this.numberOf(phoneNumberId);
    if (!number.syncing && Date.now() - number.syncedAt >= SYNC_EVERY_MS) {
      this.sync(phoneNumberId, statedMps).catch((error: unknown) =>
        this.logger.error({ event: 'rate_limit_pace_sync_failed', err: error }),
      );
    }
    return paceOf(number.learned, statedMps);
  }

  /** A send went through; it counts towards the number's increase at the next sync. */
  recordSent(phoneNumberId: string): void {
    const number = this.numbers.get(phoneNumberId);
    if (number) number.sentSinceSync += 1;
  }

  /** Meta answered 130429 to a send made at `sentAt` (epoch ms): lowers the number's pace for every replica. */
  async recordOvershoot(phoneNumberId: string, statedMps: number, sentAt: number): Promise<void> {
    const now = Date.now();
    if (!(await this.apply(phoneNumberId, (learned) => lowered(learned, statedMps, sentAt, now)))) return;
    const { limit, ceiling } = this.numberOf(phoneNumberId).learned!;
    this.logger.warn({
      event: 'rate_limit_pace_lowered',
      phoneNumberId,
      statedMessagesPerSecond: statedMps,
      fromMessagesPerSecond: round(ceiling),
      messagesPerSecond: round(limit),
    });
  }

  /** Reads the shared pace and credits this replica's successes since the last sync. */
  async sync(phoneNumberId: string, statedMps: number): Promise<void> {
    const number = this.numberOf(phoneNumberId);
    const now = Date.now();
    const creditMs = number.sentSinceSync > 0 ? Math.min(now - number.syncedAt, MAX_CREDIT_MS) : 0;
    number.syncing = true;
    number.syncedAt = now;
    number.sentSinceSync = 0;
    try {
      await this.apply(phoneNumberId, (learned) => raised(learned, statedMps, creditMs, now));
    } finally {
      number.syncing = false;
    }
  }

  /** Changes the number's pace, in Redis or here; true if this call changed it (not another one before it). */
  private async apply(phoneNumberId: string, change: (learned: LearnedPace | undefined) => LearnedPace | undefined): Promise<boolean> {
    const number = this.numberOf(phoneNumberId);
    const result = await this.redis.withFallback(
      (redis) => this.update(redis, phoneNumberId, change),
      () => {
        // Kept at once: concurrent callers must see each other's change.
        const learned = change(number.learned);
        const changed = learned !== number.learned;
        number.learned = learned;
        return { learned, changed };
      },
    );
    number.learned = result.learned;
    return result.changed;
  }

  /**
   * Applies `change` to the stored pace with compare-and-set, re-reading after a conflict with another
   * replica. The rules are idempotent in time (a raise credits time since the last change, a second
   * decrease within the settle time is ignored), so a lost race loses nothing.
   */
  private async update(
    redis: Redis,
    phoneNumberId: string,
    change: (learned: LearnedPace | undefined) => LearnedPace | undefined,
  ): Promise<{ learned: LearnedPace | undefined; changed: boolean }> {
    const key = `${this.options.keyPrefix}pace:${phoneNumberId}`;
    for (let tries = 1; ; tries += 1) {
      const stored = (await redis.get(key)) ?? '';
      const learned = parseLearnedPace(stored);
      const next = change(learned);
      if (next === learned) return { learned, changed: false };
      const value = next ? JSON.stringify(next) : '';
      if (Number(await redis.eval(COMPARE_AND_SET_SCRIPT, 1, key, stored, value, KEEP_MS)) === 1) return { learned: next, changed: true };
      if (tries === MAX_UPDATE_TRIES) return { learned: parseLearnedPace(await redis.get(key)), changed: false };
    }
  }

  private numberOf(phoneNumberId: string): NumberPace {
    let number = this.numbers.get(phoneNumberId);
    if (!number) {
      number = { syncedAt: 0, syncing: false, sentSinceSync: 0 };
      this.numbers.set(phoneNumberId, number);
    }
    return number;
  }
}

const round = (mps: number) => Math.round(mps * 10) / 10;
