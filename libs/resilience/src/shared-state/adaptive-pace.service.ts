import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { growingLruCache } from '@lib/observability';
import { LearnedPace, lowered, PacedLimit, paceOf, parseLearnedPace, raised } from './learned-pace';
import { RedisConnection } from './redis-connection.service';
import { SHARED_STATE_OPTIONS, SharedStateOptions } from './shared-state.options';
import { RedisScript } from './redis-script';

/** Sets KEYS[1] to ARGV[2] (deletes it when empty) only while it still holds ARGV[1] ('' for none). */
const COMPARE_AND_SET_SCRIPT = new RedisScript(
  `
if (redis.call('GET', KEYS[1]) or '') ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
return 1`,
  1,
);

/** How often a replica reads the shared pace of a key it sends for, and reports its successes. */
const SYNC_EVERY_MS = 500;
/** Successes earn an increase for at most this long per sync (a replica that stalled claims no more). */
const MAX_CREDIT_MS = 2 * SYNC_EVERY_MS;
/** A learned pace is forgotten after an hour without change (the key back at its stated limit). */
const KEEP_MS = 60 * 60_000;
const MAX_UPDATE_TRIES = 3;

interface KeyPace {
  learned?: LearnedPace;
  syncedAt: number;
  syncing: boolean;
  sentSinceSync: number;
}

/**
 * Each key's pace, lowered when the vendor says we overshot it (Meta's 130429 for a number) and raised
 * again while sends succeed (additive increase, multiplicative decrease), so a stated limit above the
 * real one converges to the real one instead of spending attempts on refusals. Shared through Redis,
 * so one replica's overshoot slows them all within a sync; the hot path never waits for Redis:
 * successes are counted here and reported with the periodic read. Without Redis each replica learns on
 * its own.
 */
@Injectable()
export class AdaptivePace {
  private readonly logger = new Logger('AdaptivePace');
  /** Kept while in use; a key idle for an hour starts again from its stated limit. */
  private readonly keys = growingLruCache<string, KeyPace>(100_000, { ttl: KEEP_MS, updateAgeOnGet: true });

  constructor(
    private readonly redis: RedisConnection,
    @Inject(SHARED_STATE_OPTIONS) private readonly options: SharedStateOptions,
  ) {}

  /** Requests per window of `stated` to pace `key` at now; starts a sync in the background when one is due. */
  limitOf(key: string, stated: PacedLimit): number {
    const pace = this.stateOf(key);
    if (!pace.syncing && Date.now() - pace.syncedAt >= SYNC_EVERY_MS) {
      this.sync(key, stated).catch((error: unknown) => this.logger.error({ event: 'rate_limit_pace_sync_failed', err: error }));
    }
    return paceOf(pace.learned, stated.count);
  }

  /** A send went through; it counts towards the key's increase at the next sync. */
  recordSent(key: string): void {
    const pace = this.keys.get(key);
    if (pace) pace.sentSinceSync += 1;
  }

  /** The vendor refused a send made at `sentAt` (epoch ms) for our own pace: lowers the key's pace for every replica. */
  async recordOvershoot(key: string, sentAt: number, stated: PacedLimit): Promise<void> {
    const now = Date.now();
    if (!(await this.apply(key, (learned) => lowered(learned, stated, sentAt, now)))) return;
    const { limit, ceiling, strikes } = this.stateOf(key).learned!;
    this.logger.warn({
      event: 'rate_limit_pace_lowered',
      key,
      perMs: stated.perMs,
      statedLimit: stated.count,
      fromLimit: round(ceiling),
      limit: round(limit),
      ...(strikes ? { strikes } : {}),
    });
  }

  /** Reads the shared pace and credits this replica's successes since the last sync. */
  async sync(key: string, stated: PacedLimit): Promise<void> {
    const pace = this.stateOf(key);
    const now = Date.now();
    const creditMs = pace.sentSinceSync > 0 ? Math.min(now - pace.syncedAt, MAX_CREDIT_MS) : 0;
    pace.syncing = true;
    pace.syncedAt = now;
    pace.sentSinceSync = 0;
    try {
      await this.apply(key, (learned) => raised(learned, stated, creditMs, now));
    } finally {
      pace.syncing = false;
    }
  }

  /** Changes the key's pace, in Redis or here; true if this call changed it (not another one before it). */
  private async apply(key: string, change: (learned: LearnedPace | undefined) => LearnedPace | undefined): Promise<boolean> {
    const pace = this.stateOf(key);
    const result = await this.redis.withFallback(
      (redis) => this.update(redis, key, change),
      () => {
        // Kept at once: concurrent callers must see each other's change.
        const learned = change(pace.learned);
        const changed = learned !== pace.learned;
        pace.learned = learned;
        return { learned, changed };
      },
    );
    pace.learned = result.learned;
    return result.changed;
  }

  /**
   * Applies `change` to the stored pace with compare-and-set, re-reading after a conflict with another
   * replica. The rules are idempotent in time (a raise credits time since the last change, a second
   * decrease within the settle time is ignored), so a lost race loses nothing.
   */
  private async update(
    redis: Redis,
    key: string,
    change: (learned: LearnedPace | undefined) => LearnedPace | undefined,
  ): Promise<{ learned: LearnedPace | undefined; changed: boolean }> {
    const redisKey = `${this.options.keyPrefix}pace:${key}`;
    for (let tries = 1; ; tries += 1) {
      const stored = (await redis.get(redisKey)) ?? '';
      const learned = parseLearnedPace(stored);
      const next = change(learned);
      if (next === learned) return { learned, changed: false };
      const value = next ? JSON.stringify(next) : '';
      if (Number(await COMPARE_AND_SET_SCRIPT.run(redis, [redisKey, stored, value, KEEP_MS])) === 1)
        return { learned: next, changed: true };
      if (tries === MAX_UPDATE_TRIES) return { learned: parseLearnedPace(await redis.get(redisKey)), changed: false };
    }
  }

  private stateOf(key: string): KeyPace {
    let pace = this.keys.get(key);
    if (!pace) {
      pace = { syncedAt: 0, syncing: false, sentSinceSync: 0 };
      this.keys.set(key, pace);
    }
    return pace;
  }
}

const round = (limit: number) => Math.round(limit * 10) / 10;
