/**
 * What a number's 130429s taught us about its real throughput, when it is below the limit its
 * tenant's record states. No learned pace means the stated limit holds.
 */
export interface LearnedPace {
  /** Messages per second to pace the number at. */
  limit: number;
  /** The pace that drew the last 130429: the real limit lies below it. */
  ceiling: number;
  /** When `limit` was last lowered (epoch ms). */
  loweredAt: number;
  /** When `limit` last changed (epoch ms): sends earn an increase only for the time since. */
  changedAt: number;
}

export const PACE_RULES = {
  /** Multiplicative decrease on a 130429. */
  decreaseFactor: 0.7,
  /** Never paced below this, whatever Meta answers. */
  floorMps: 1,
  /** Meta counts a sliding second: a 130429 for a send within this of the last decrease was caused by the old pace. */
  settleMs: 1000,
  /** Additive increase while sends succeed, as a share of the stated limit per second. */
  increasePerSecond: 0.05,
  /** From this share of the ceiling up to the ceiling, the pace only probes (the real limit is near). */
  safeShareOfCeiling: 0.9,
  /** Increase while probing, as a share of the ceiling per second: the probe zone takes two minutes. */
  probePerSecond: 0.05 / 60,
} as const;

/** The limit to pace at: the stated one, or what was learned below it. */
export function paceOf(learned: LearnedPace | undefined, statedMps: number): number {
  return Math.min(statedMps, learned?.limit ?? statedMps);
}

/**
 * After a 130429 for a send made at `sentAt`: the pace that overshot becomes the ceiling and the
 * limit drops by `decreaseFactor`. A 130429 for a send made while Meta's window still held sends of
 * the pace before the last decrease says nothing new and changes nothing.
 */
export function lowered(learned: LearnedPace | undefined, statedMps: number, sentAt: number, now: number): LearnedPace | undefined {
  if (learned && sentAt <= learned.loweredAt + PACE_RULES.settleMs) return learned;
  const overshot = paceOf(learned, statedMps);
  return {
    limit: Math.max(PACE_RULES.floorMps, overshot * PACE_RULES.decreaseFactor),
    ceiling: overshot,
    loweredAt: now,
    changedAt: now,
  };
}

/**
 * After sends went through during the last `creditMs` (0: none did): the limit grows with the time
 * since it last changed, fast (a share of the stated limit per second) up to the safe share of the
 * ceiling, slowly from there to the ceiling, and fast again past it (the ceiling was passed without a
 * 130429: the number's tier has risen). Time counts once however many replicas report it. Back at the
 * stated limit nothing is left to remember (undefined).
 */
export function raised(learned: LearnedPace | undefined, statedMps: number, creditMs: number, now: number): LearnedPace | undefined {
  if (!learned || learned.limit >= statedMps) return undefined;
  const seconds = Math.min(creditMs, Math.max(0, now - learned.changedAt)) / 1000;
  if (seconds <= 0) return learned;
  const { ceiling } = learned;
  const safe = ceiling * PACE_RULES.safeShareOfCeiling;
  const fast = statedMps * PACE_RULES.increasePerSecond * seconds;
  let limit = learned.limit + fast;
  if (learned.limit < safe) limit = Math.min(safe, limit);
  else if (learned.limit < ceiling) limit = Math.min(ceiling, learned.limit + ceiling * PACE_RULES.probePerSecond * seconds);
  return limit >= statedMps ? undefined : { ...learned, limit, changedAt: now };
}

/** A learned pace read back from storage, or undefined if it is not one. */
export function parseLearnedPace(text: string | null | undefined): LearnedPace | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as Partial<LearnedPace>;
    const fields = [value.limit, value.ceiling, value.loweredAt, value.changedAt];
    if (!fields.every((field) => typeof field === 'number' && Number.isFinite(field))) return undefined;
    return {
      limit: Math.max(PACE_RULES.floorMps, value.limit!),
      ceiling: value.ceiling!,
      loweredAt: value.loweredAt!,
      changedAt: value.changedAt!,
    };
  } catch {
    return undefined;
  }
}
