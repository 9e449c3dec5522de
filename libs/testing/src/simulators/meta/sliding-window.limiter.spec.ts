import { SlidingWindowLimiter } from './sliding-window.limiter';

describe(SlidingWindowLimiter.name, () => {
  it('allows the limit within a window and refuses the next', () => {
    const limiter = new SlidingWindowLimiter(3, 1000);
    expect([0, 10, 20, 30].map((at) => limiter.tryTake('a', at))).toEqual([true, true, true, false]);
  });

  it('frees a slot once the oldest event leaves the window', () => {
    const limiter = new SlidingWindowLimiter(2, 1000);
    limiter.tryTake('a', 0);
    limiter.tryTake('a', 500);
    expect(limiter.tryTake('a', 999)).toBe(false);
    expect(limiter.tryTake('a', 1000)).toBe(true);
  });

  it('counts keys separately', () => {
    const limiter = new SlidingWindowLimiter(1, 1000);
    expect(limiter.tryTake('a', 0)).toBe(true);
    expect(limiter.tryTake('b', 0)).toBe(true);
    expect(limiter.tryTake('a', 1)).toBe(false);
  });

  it('counts an event that arrives out of order where it belongs in the window', () => {
    const limiter = new SlidingWindowLimiter(2, 1000);
    expect(limiter.tryTake('a', 500)).toBe(true);
    expect(limiter.tryTake('a', 0)).toBe(true);
    // The event at 0 leaves the window first, whatever order the two were taken in.
    expect(limiter.tryTake('a', 999)).toBe(false);
    expect(limiter.tryTake('a', 1000)).toBe(true);
    expect(limiter.tryTake('a', 1499)).toBe(false);
  });
});
