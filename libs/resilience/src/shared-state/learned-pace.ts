import { RateLimit } from './rate-limit';

/**
 * What a key's overshoots (Meta's 130429, a vendor's 429) taught us about its real throughput, when it
 * is below the limit its caller states. No learned pace means the stated limit holds. Counts are per
 * the stated limit's window.
 */
export interface LearnedPace {
  /** Requests per window to pace the key at. */
  limit: number;
  /** The pace that drew the last overshoot: the real limit lies below it. */
  ceiling: number;
  /** When `limit` was last lowered (epoch ms). */
  loweredAt: number;
  /** When `limit` last changed (epoch ms): sends earn an increase only for the time since. */
  changedAt: number;
  /**
   * Set while the overshoots were at the stated limit and too few to doubt it: how many so far. Such a
   * pace is lowered a little and comes back fast, and is remembered for `strikeMemoryWindows`.
   */
  strikes?: number;
}

/** The stated limit a pace is learned against: its count and the window it counts over. */
export type PacedLimit = Pick<RateLimit, 'count' | 'perMs'>;

/** Rules in units of the limit's window, so a per-minute limit learns as a per-second one does, in minutes. */
export const PACE_RULES = {
  /** Multiplicative decrease on an overshoot. */
  decreaseFactor: 0.7,
  /** Never paced below one request per window, whatever the vendor answers. */
  floor: 1,
  /** The vendor counts a sliding window: an overshoot for a send made within one window of the last decrease was caused by the old pace. */
  settleWindows: 1,
  /** Additive increase while sends succeed, as a share of the stated limit per window. */
  increasePerWindow: 0.05,
  /** From this share of the ceiling up to the ceiling, the pace only probes (the real limit is near). */
  safeShareOfCeiling: 0.9,
  /** Increase while probing, as a share of the ceiling per window: the probe zone takes 120 windows (two minutes per second of window). */
  probePerWindow: 0.05 / 60,
  /**
   * Overshoots at the stated limit within `strikeMemoryWindows` of each other before the stated limit is
   * doubted. One or two are more likely our own sends bunched on their way (a stalled process, a busy
   * network) than a tier below the stated one, and the full decrease and slow probe would cost minutes.
   * A tier really below the stated one overshoots again while a strike's lower pace holds, and that one
   * is learned at once.
   */
  strikesToLearn: 3,
  strikeMemoryWindows: 60,
  /** An overshoot taken as bunching lowers the pace to this share of the stated limit; it is back within two windows. */
  strikeShare: 0.9,
} as const;

/** The limit to pace at: the stated count, or what was learned below it. */
export function paceOf(learned: LearnedPace | undefined, statedCount: number): number {
  return Math.min(statedCount, learned?.limit ?? statedCount);
}

/**
 * After an overshoot for a send made at `sentAt`: the pace that overshot becomes the ceiling and the
 * limit drops by `decreaseFactor`. An overshoot for a send made while the vendor's window still held
 * sends of the pace before the last decrease says nothing new and changes nothing. Overshoots at the
 * stated limit are strikes (the pace drops to `strikeShare`, the ceiling stays the stated limit) until
 * the `strikesToLearn`-th within `strikeMemoryWindows` of the one before, which is the lesson; so is an
 * overshoot while a strike's lower pace still holds.
 */
export function lowered(learned: LearnedPace | undefined, stated: PacedLimit, sentAt: number, now: number): LearnedPace | undefined {
  if (learned && sentAt <= learned.loweredAt + PACE_RULES.settleWindows * stated.perMs) return learned;
  const overshot = paceOf(learned, stated.count);
  const strikes = (learned ? strikesOf(learned, stated, now) : 0) + 1;
  // Paced below the stated limit (a lesson, or a strike not yet made up) is never a strike.
  if (overshot >= stated.count && strikes < PACE_RULES.strikesToLearn) {
    const limit = stated.count * PACE_RULES.strikeShare;
    return { limit, ceiling: stated.count, loweredAt: now, changedAt: now, strikes };
  }
  return {
    limit: Math.max(PACE_RULES.floor, overshot * PACE_RULES.decreaseFactor),
    ceiling: overshot,
    loweredAt: now,
    changedAt: now,
  };
}

/**
 * After sends went through during the last `creditMs` (0: none did): the limit grows with the time
 * since it last changed, fast (a share of the stated limit per window) up to the safe share of the
 * ceiling, slowly from there to the ceiling, and fast again past it (the ceiling was passed without an
 * overshoot: the key's real limit has risen); after a strike, fast all the way. Time counts once
 * however many replicas report it. Back at the stated limit nothing is left to remember (undefined),
 * unless a strike is: it is kept at the stated limit until `strikeMemoryWindows` have passed.
 */
export function raised(learned: LearnedPace | undefined, stated: PacedLimit, creditMs: number, now: number): LearnedPace | undefined {
  if (!learned) return undefined;
  const remembered = strikesOf(learned, stated, now) > 0;
  if (learned.limit >= stated.count) return remembered ? learned : undefined;
  const windows = Math.min(creditMs, Math.max(0, now - learned.changedAt)) / stated.perMs;
  if (windows <= 0) return learned;
  const { ceiling } = learned;
  const safe = ceiling * PACE_RULES.safeShareOfCeiling;
  let limit = learned.limit + stated.count * PACE_RULES.increasePerWindow * windows;
  if (learned.strikes) limit = Math.min(stated.count, limit);
  else if (learned.limit < safe) limit = Math.min(safe, limit);
  else if (learned.limit < ceiling) limit = Math.min(ceiling, learned.limit + ceiling * PACE_RULES.probePerWindow * windows);
  limit = Math.min(stated.count, limit);
  return limit < stated.count || remembered ? { ...learned, limit, changedAt: now } : undefined;
}

/** The strikes a pace remembers at `now`: none once `strikeMemoryWindows` have passed since the last. */
function strikesOf(learned: LearnedPace, stated: PacedLimit, now: number): number {
  const remembered = now - learned.loweredAt <= PACE_RULES.strikeMemoryWindows * stated.perMs;
  return remembered ? (learned.strikes ?? 0) : 0;
}

/** A learned pace read back from storage, or undefined if it is not one. */
export function parseLearnedPace(text: string | null | undefined): LearnedPace | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as Partial<LearnedPace>;
    const fields = [value.limit, value.ceiling, value.loweredAt, value.changedAt];
    if (!fields.every((field) => typeof field === 'number' && Number.isFinite(field))) return undefined;
    const strikes = typeof value.strikes === 'number' && value.strikes > 0 ? { strikes: value.strikes } : {};
    return {
      limit: Math.max(PACE_RULES.floor, value.limit!),
      ceiling: value.ceiling!,
      loweredAt: value.loweredAt!,
      changedAt: value.changedAt!,
      ...strikes,
    };
  } catch {
    return undefined;
  }
}
