import { VendorResponseHeaders } from './vendor-http.types';

/** An hour: a vendor asking for a longer pause reports an outage, and the service's own backoff and limits decide. */
export const DEFAULT_MAX_RETRY_AFTER_MS = 60 * 60 * 1000;

const DELAY_SECONDS = /^\d+$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH = `(${MONTHS.join('|')})`;
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';
/** `Sun, 06 Nov 1994 08:49:37 GMT`, the form senders must use. */
const IMF_FIXDATE = new RegExp(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`);
/** `Sunday, 06-Nov-94 08:49:37 GMT`, obsolete but to be accepted. */
const RFC850_DATE = new RegExp(`^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`);
/** `Sun Nov  6 08:49:37 1994`, obsolete but to be accepted. */
const ASCTIME_DATE = new RegExp(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ${MONTH} ( \\d|\\d{2}) ${TIME} (\\d{4})$`);

/**
 * The pause a `Retry-After` header asks for (RFC 9110 §10.2.3), in ms from `now`: delay-seconds
 * (`120`) or an HTTP-date in any of its three forms (§5.6.7). A date in the past is 0; a value above
 * `maxMs` is `maxMs`. Anything else (absent, repeated, negative, fractional, a malformed or
 * impossible date) is `undefined`: the caller's own backoff applies.
 */
export function retryAfterMs(headers: VendorResponseHeaders, now: number, maxMs = DEFAULT_MAX_RETRY_AFTER_MS): number | undefined {
  const value = headers['retry-after'];
  if (typeof value !== 'string') return undefined;
  const field = value.trim();
  if (DELAY_SECONDS.test(field)) return Math.min(Number(field) * 1000, maxMs);
  const at = httpDateMs(field, now);
  return at === undefined ? undefined : Math.min(Math.max(at - now, 0), maxMs);
}

function httpDateMs(field: string, now: number): number | undefined {
  let match = IMF_FIXDATE.exec(field);
  if (match) {
    const [, day, month, year, hour, minute, second] = match;
    return utc(Number(year), month, Number(day), hour, minute, second);
  }
  match = RFC850_DATE.exec(field);
  if (match) {
    const [, day, month, year, hour, minute, second] = match;
    return utc(fullYearOf(Number(year), now), month, Number(day), hour, minute, second);
  }
  match = ASCTIME_DATE.exec(field);
  if (match) {
    const [, month, day, hour, minute, second, year] = match;
    return utc(Number(year), month, Number(day.trim()), hour, minute, second);
  }
  return undefined;
}

/** A two-digit year more than 50 years ahead is the latest past year with those digits (RFC 9110 §5.6.7). */
function fullYearOf(twoDigits: number, now: number): number {
  const thisYear = new Date(now).getUTCFullYear();
  const year = thisYear - (thisYear % 100) + twoDigits;
  return year > thisYear + 50 ? year - 100 : year;
}

function utc(year: number, monthName: string, day: number, hour: string, minute: string, second: string): number | undefined {
  const month = MONTHS.indexOf(monthName);
  const [h, m, s] = [Number(hour), Number(minute), Number(second)];
  if (h > 23 || m > 59 || s > 60) return undefined;
  const midnight = new Date(Date.UTC(year, month, day));
  // Date.UTC rolls 31 Feb over into March; such a date is malformed, not a date in March.
  if (midnight.getUTCDate() !== day || midnight.getUTCMonth() !== month) return undefined;
  return midnight.getTime() + ((h * 60 + m) * 60 + s) * 1000;
}
