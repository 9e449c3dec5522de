/**
 * How much of a token's lifetime is held back: 10 % of it, at least 5 s, at most 60 s. The margin
 * covers an API call that starts just before the cut-off and reaches the vendor a few seconds later.
 * 10 % keeps a 5-minute token (the shortest Genesys issues) in use for 4.5 minutes; 60 s is plenty
 * for any single call, so a 48-hour token loses no more than that.
 */
const MARGIN_SHARE = 0.1;
const MIN_MARGIN_MS = 5_000;
const MAX_MARGIN_MS = 60_000;

export interface TokenSchedule {
  /** Epoch ms from which the next caller starts a refresh in the background. */
  refreshAt: number;
  /** Epoch ms from which the token is never handed out again. */
  usableUntil: number;
}

/**
 * When to refresh and when to stop using a token that lives `expiresInS` seconds from `issuedAt`
 * (the moment it was asked for, so the time its answer took counts against it). The refresh starts
 * one margin before the cut-off: that window lets the refresh and a retry or two finish while callers
 * still get the old token. A token too short for the floor keeps a third of its life for each phase.
 */
export function tokenScheduleFor(issuedAt: number, expiresInS: number): TokenSchedule {
  const lifetimeMs = expiresInS * 1000;
  const marginMs = Math.min(Math.max(lifetimeMs * MARGIN_SHARE, MIN_MARGIN_MS), MAX_MARGIN_MS, lifetimeMs / 3);
  const expiresAt = issuedAt + lifetimeMs;
  return { refreshAt: expiresAt - 2 * marginMs, usableUntil: expiresAt - marginMs };
}
