/**
 * A vendor's limit on one key: at most `count` requests per `perMs` (Meta: a number's messages per
 * second; Genesys: a token's requests per minute), of which up to `burst` may go at once (default 1).
 */
export interface RateLimit {
  count: number;
  perMs: number;
  burst?: number;
}

/** A limit as the limiter holds it: whole requests, at least one, a burst no larger than the window. */
export type StatedLimit = Required<RateLimit>;

/**
 * Checks and normalises a limit; throws a `RangeError` naming the field it cannot hold. The window is
 * a whole number of seconds: the shared count in Redis expires by the second.
 */
export function statedLimit({ count, perMs, burst = 1 }: RateLimit): StatedLimit {
  if (!(Number.isFinite(count) && count > 0)) throw new RangeError(`rate limit count must be a positive finite number, got ${count}`);
  if (!(Number.isInteger(perMs) && perMs >= 1000 && perMs % 1000 === 0)) {
    throw new RangeError(`rate limit perMs must be a whole number of seconds in ms (1000, 60000, ...), got ${perMs}`);
  }
  if (!(Number.isInteger(burst) && burst >= 1)) throw new RangeError(`rate limit burst must be a whole number of at least 1, got ${burst}`);
  const whole = Math.max(1, Math.floor(count));
  return { count: whole, perMs, burst: Math.min(burst, whole) };
}
