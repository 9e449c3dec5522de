/**
 * An envelope's `timestamp` as its publisher wrote it (an ISO-8601 date-time or epoch milliseconds, which
 * the services' envelope checks accept) in epoch milliseconds; `now` if it cannot be read, so the message
 * counts as just published.
 */
export function publishedAtOf(timestamp: string | number, now = Date.now()): number {
  const ms = typeof timestamp === 'number' ? timestamp : Date.parse(timestamp);
  return Number.isFinite(ms) ? Math.round(ms) : now;
}
