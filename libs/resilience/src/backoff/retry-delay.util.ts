export interface BackoffOptions {
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface RetryDelay {
  /** The nominal delay of this step: the wait queue the message goes to. */
  tierMs: number;
  /** The jittered delay actually applied, in (0.75 × tier, tier]. */
  delayMs: number;
}

/** Jitter keeps a step within its tier so per-tier wait queues stay nearly FIFO in time as well as order. */
const JITTER_FRACTION = 0.25;

/**
 * The delay tiers used for `options`: base × 2^k, capped at the maximum, which is itself the last tier.
 * Each tier is one wait queue, so the set must be finite and known at start-up.
 */
export function retryDelayTiers(options: BackoffOptions): number[] {
  const tiers: number[] = [];
  for (let tier = options.baseDelayMs; tier < options.maxDelayMs; tier *= 2) {
    tiers.push(tier);
  }
  tiers.push(options.maxDelayMs);
  return tiers;
}

/**
 * Exponential backoff with jitter. `step` is 1 for the first retry. A vendor's minimum pause
 * (`minDelayMs`) raises the delay to the first tier that honours it, still capped at the maximum.
 */
export function retryDelay(step: number, options: BackoffOptions, minDelayMs = 0, random: () => number = Math.random): RetryDelay {
  const tiers = retryDelayTiers(options);
  const exponentIndex = Math.min(Math.max(step, 1) - 1, tiers.length - 1);
  const floorIndex = tiers.findIndex((tier) => tier >= minDelayMs);
  const index = Math.max(exponentIndex, floorIndex === -1 ? tiers.length - 1 : floorIndex);
  const tierMs = tiers[index];
  const jitter = 1 - JITTER_FRACTION * random();
  const delayMs = Math.min(tierMs, Math.max(minDelayMs, Math.round(tierMs * jitter), 1));
  return { tierMs, delayMs };
}

/**
 * The wait of a message that made no vendor call. When the refusal says how long to wait (a rate
 * limit slot, an open breaker) that is the wait; otherwise it grows with the deferrals so far (an
 * outage of unknown length).
 */
export function deferralDelay(
  deferrals: number,
  options: BackoffOptions,
  cause: { details: { minRetryDelayMs?: number } },
  random?: () => number,
): RetryDelay {
  const hint = cause.details.minRetryDelayMs;
  return hint !== undefined ? retryDelay(1, options, hint, random) : retryDelay(deferrals, options, 0, random);
}
