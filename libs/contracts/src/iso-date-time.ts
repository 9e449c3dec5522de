/** RFC 3339 date-time: a date, a time with seconds, an optional fraction and a zone (`Z` or `±hh:mm`). */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

/**
 * Epoch milliseconds of an ISO-8601 date-time with a zone, or undefined when `value` is not one. A
 * time without a zone is refused (it means a different instant on every machine), and so is a day
 * the calendar does not have (Feb 30), which `Date.parse` would roll over.
 */
export function parseIsoDateTime(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = DATE_TIME.exec(value);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return Date.parse(value);
}
