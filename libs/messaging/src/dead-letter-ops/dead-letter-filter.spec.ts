import { DeadLetterEntry } from './dead-letter-entry';
import { matchesFilter, parseDuration } from './dead-letter-filter';

const NOW = new Date('2026-01-01T12:00:00.000Z');
const entry = (overrides: Partial<DeadLetterEntry>): DeadLetterEntry => ({
  position: 1,
  category: 'PERMANENT',
  replayCount: 0,
  properties: {},
  headers: {},
  body: { bytes: 0 },
  problems: [],
  ...overrides,
});

describe('matchesFilter', () => {
  it('matches everything with no criteria', () => {
    expect(matchesFilter(entry({}), {}, NOW)).toBe(true);
  });

  it('requires every given criterion', () => {
    const acme = entry({ tenantId: 'acme', category: 'WINDOW_EXPIRED', messageId: 'm-1' });
    expect(matchesFilter(acme, { tenantId: 'acme', category: 'window_expired' }, NOW)).toBe(true);
    expect(matchesFilter(acme, { tenantId: 'acme', category: 'AUTH' }, NOW)).toBe(false);
    expect(matchesFilter(acme, { tenantId: 'globex' }, NOW)).toBe(false);
    expect(matchesFilter(acme, { messageId: 'm-1' }, NOW)).toBe(true);
    expect(matchesFilter(acme, { messageId: 'm-2' }, NOW)).toBe(false);
  });

  it('selects by age and never matches an entry of unknown age', () => {
    const hourOld = entry({ failedAt: '2026-01-01T11:00:00.000Z' });
    expect(matchesFilter(hourOld, { olderThanMs: 30 * 60_000 }, NOW)).toBe(true);
    expect(matchesFilter(hourOld, { olderThanMs: 2 * 3_600_000 }, NOW)).toBe(false);
    expect(matchesFilter(entry({}), { olderThanMs: 0 }, NOW)).toBe(false);
  });
});

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['1h', 3_600_000],
    ['2d', 172_800_000],
    ['1h30m', 5_400_000],
  ])('reads %s', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', '1', 'h', '1x', '1h junk', '-1h', '1.5h'])('refuses %p', (text) => expect(parseDuration(text)).toBeUndefined());
});
