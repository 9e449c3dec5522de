export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

/**
 * Genesys's limit per client-credentials token (fact sheet §4.1: 300 requests a minute, "per token, not
 * per endpoint"), over a sliding minute. A refused request takes no slot.
 */
export class TokenRateLimiter {
  private readonly events = new Map<string, number[]>();

  constructor(private readonly windowMs = 60_000) {}

  take(token: string, limit: number, now: number): RateDecision {
    let recent = this.events.get(token);
    if (!recent) {
      recent = [];
      this.events.set(token, recent);
    }
    while (recent.length > 0 && now - recent[0] >= this.windowMs) recent.shift();
    if (recent.length >= limit) return { allowed: false, retryAfterMs: recent[recent.length - limit] + this.windowMs - now };
    recent.push(now);
    return { allowed: true };
  }

  /** Drops the history of a token that can no longer be used. */
  forget(token: string): void {
    this.events.delete(token);
  }
}
