import { DEFAULT_MAX_RETRY_AFTER_MS, retryAfterMs } from './retry-after.util';

const DAY = 24 * 3600_000;
const NOW = Date.UTC(2026, 10, 30, 12, 0, 0);
const at = (value: string | string[] | undefined, maxMs?: number) => retryAfterMs({ 'retry-after': value }, NOW, maxMs);

describe('retryAfterMs', () => {
  describe('delay-seconds', () => {
    it.each([
      ['120', 120_000],
      ['0', 0],
      ['007', 7_000],
      [' 30 ', 30_000],
    ])('%j → %i ms', (value, expected) => {
      expect(at(value)).toBe(expected);
    });

    it('clamps a huge value to the maximum, even one beyond what a number holds exactly', () => {
      expect(at('86400')).toBe(DEFAULT_MAX_RETRY_AFTER_MS);
      expect(at('9'.repeat(400))).toBe(DEFAULT_MAX_RETRY_AFTER_MS);
      expect(at('600', 60_000)).toBe(60_000);
    });
  });

  describe('HTTP-date', () => {
    it('reads the IMF-fixdate form as the time left until then', () => {
      expect(at('Mon, 30 Nov 2026 12:01:30 GMT')).toBe(90_000);
    });

    it('reads the obsolete RFC 850 form, its two-digit year in this century', () => {
      expect(at('Monday, 30-Nov-26 12:00:45 GMT')).toBe(45_000);
    });

    it('reads a two-digit year more than 50 years ahead as the past century (RFC 9110 §5.6.7)', () => {
      expect(at('Sunday, 06-Nov-94 08:49:37 GMT')).toBe(0);
    });

    it('reads the obsolete asctime form, a one-digit day padded with a space', () => {
      expect(at('Tue Dec  1 12:00:00 2026', 2 * DAY)).toBe(DAY);
      expect(at('Mon Nov 30 12:00:10 2026')).toBe(10_000);
    });

    it('accepts a leap second', () => {
      expect(at('Mon, 30 Nov 2026 12:00:60 GMT')).toBe(60_000);
    });

    it('answers 0 for a date in the past: retry now', () => {
      expect(at('Mon, 30 Nov 2026 11:59:59 GMT')).toBe(0);
      expect(at('Sun, 06 Nov 1994 08:49:37 GMT')).toBe(0);
    });

    it('clamps a far date to the maximum', () => {
      expect(at('Fri, 31 Dec 9999 23:59:59 GMT')).toBe(DEFAULT_MAX_RETRY_AFTER_MS);
      expect(at('Mon, 30 Nov 2026 13:00:00 GMT', 5_000)).toBe(5_000);
    });
  });

  describe('garbage is ignored (undefined): the caller keeps its own backoff', () => {
    it.each([
      ['absent', undefined],
      ['empty', ''],
      ['negative', '-5'],
      ['fractional', '1.5'],
      ['signed', '+5'],
      ['exponent', '1e3'],
      ['hex', '0x10'],
      ['a word', 'soon'],
      ['seconds with a unit', '30s'],
      ['an ISO date', '2026-12-01T00:00:00Z'],
      ['a date Date.parse would read', 'December 1, 2026'],
      ['another date Date.parse would read', 'Nov 30 2026 13:00'],
      ['a time zone other than GMT', 'Mon, 30 Nov 2026 13:00:00 CET'],
      ['a lower-case month', 'Mon, 30 nov 2026 13:00:00 GMT'],
      ['an impossible day', 'Mon, 31 Feb 2026 13:00:00 GMT'],
      ['an impossible hour', 'Mon, 30 Nov 2026 24:00:00 GMT'],
      ['an impossible minute', 'Mon, 30 Nov 2026 12:60:00 GMT'],
      ['trailing text', 'Mon, 30 Nov 2026 13:00:00 GMT; later'],
      ['two values joined by a proxy', '120, 120'],
      ['a repeated header', ['120', '60']],
    ])('%s', (_case, value) => {
      expect(at(value)).toBeUndefined();
    });
  });
});
