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
} as const;

/** The limit to pace at: the stated count, or what was learned below it. */
export function paceOf(learned: LearnedPace | undefined, statedCount: number): number {
  return Math.min(statedCount, learned?.limit ?? statedCount);
}

/**
 * After an overshoot for a send made at `sentAt`: the pace that overshot becomes the ceiling and the
 * limit drops by `decreaseFactor`. An overshoot for a send made while the vendor's window still held
 * sends of the pace before the last decrease says nothing new and changes nothing.
 */
export function lowered(learned: LearnedPace | undefined, stated: PacedLimit, sentAt: number, now: number): LearnedPace | undefined {
  if (learned && sentAt <= learned.loweredAt + PACE_RULES.settleWindows * stated.perMs) return learned;
  const overshot = paceOf(learned, stated.count);
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
 * overshoot: the key's real limit has risen). Time counts once however many replicas report it. Back
 * at the stated limit nothing is left to remember (undefined).
 */
export function raised(learned: LearnedPace | undefined, stated: PacedLimit, creditMs: number, now: number): LearnedPace | undefined {
  if (!learned || learned.limit >= stated.count) return undefined;
  const windows = Math.min(creditMs, Math.max(0, now - learned.changedAt)) / stated.perMs;
  if (windows <= 0) return learned;
  const { ceiling } = learned;
  const safe = ceiling * PACE_RULES.safeShareOfCeiling;
  const fast = stated.count * PACE_RULES.increasePerWindow * windows;
  let limit = learned.limit + fast;
  if (learned.limit < safe) limit = Math.min(safe, limit);
  else if (learned.limit < ceiling) limit = Math.min(ceiling, learned.limit + ceiling * PACE_RULES.probePerWindow * windows);
  return limit >= stated.count ? undefined : { ...learned, limit, changedAt: now };
}

/** A learned pace read back from storage, or undefined if it is not one. */
export function parseLearnedPace(text: string | null | undefined): LearnedPace | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as Partial<LearnedPace>;
    const fields = [value.limit, value.ceiling, value.loweredAt, value.changedAt];
    if (!fields.every((field) => typeof field === 'number' && Number.isFinite(field))) return undefined;
    return {
      limit: Math.max(PACE_RULES.floor, value.limit!),
      ceiling: value.ceiling!,
      loweredAt: value.loweredAt!,
      changedAt: value.changedAt!,
    };
  } catch {
    return undefined;
  }
}
