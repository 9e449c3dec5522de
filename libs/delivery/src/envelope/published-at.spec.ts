import { publishedAtOf } from './published-at';

describe('publishedAtOf', () => {
  it('reads an ISO-8601 date-time with its zone, and epoch milliseconds', () => {
    expect(publishedAtOf('2026-12-01T18:00:00.250+01:00')).toBe(Date.UTC(2026, 11, 1, 17, 0, 0, 250));
    expect(publishedAtOf(1_800_000_000_123)).toBe(1_800_000_000_123);
  });

  it('counts a time it cannot read as now', () => {
    expect(publishedAtOf('yesterday', 42)).toBe(42);
  });
});
