import { statedLimit } from './rate-limit';

describe('statedLimit', () => {
  it('holds whole requests, at least one, with a burst of one unless told and never above the count', () => {
    expect(statedLimit({ count: 80, perMs: 1000 })).toEqual({ count: 80, perMs: 1000, burst: 1 });
    expect(statedLimit({ count: 0.5, perMs: 1000 })).toEqual({ count: 1, perMs: 1000, burst: 1 });
    expect(statedLimit({ count: 300.7, perMs: 60_000, burst: 10 })).toEqual({ count: 300, perMs: 60_000, burst: 10 });
    expect(statedLimit({ count: 5, perMs: 60_000, burst: 10 })).toEqual({ count: 5, perMs: 60_000, burst: 5 });
  });

  it.each([
    ['a zero count', { count: 0, perMs: 1000 }, /count must be a positive finite number, got 0/],
    ['an infinite count', { count: Infinity, perMs: 1000 }, /count/],
    ['a window under a second', { count: 10, perMs: 500 }, /perMs must be a whole number of seconds in ms .* got 500/],
    ['a window of a fraction of seconds', { count: 10, perMs: 1500 }, /perMs/],
    ['a fractional burst', { count: 10, perMs: 1000, burst: 2.5 }, /burst must be a whole number of at least 1, got 2.5/],
  ])('refuses %s, naming the field', (_, limit, message) => {
    expect(() => statedLimit(limit)).toThrow(RangeError);
    expect(() => statedLimit(limit)).toThrow(message);
  });
});
