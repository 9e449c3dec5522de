import { TokenRateLimiter } from './token-rate.limiter';

describe(TokenRateLimiter.name, () => {
  it('allows the limit within a minute and refuses the next, saying when the oldest slot frees', () => {
    const limiter = new TokenRateLimiter();
    expect([0, 10_000, 20_000].map((at) => limiter.take('token', 3, at))).toEqual([
      { allowed: true },
      { allowed: true },
      { allowed: true },
    ]);
    expect(limiter.take('token', 3, 30_000)).toEqual({ allowed: false, retryAfterMs: 30_000 });
  });

  it('does not count a refused request', () => {
    const limiter = new TokenRateLimiter();
    limiter.take('token', 1, 0);
    limiter.take('token', 1, 59_000);
    expect(limiter.take('token', 1, 59_999)).toEqual({ allowed: false, retryAfterMs: 1 });
    expect(limiter.take('token', 1, 60_000)).toEqual({ allowed: true });
  });

  it('counts tokens separately', () => {
    const limiter = new TokenRateLimiter();
    expect(limiter.take('a', 1, 0).allowed).toBe(true);
    expect(limiter.take('b', 1, 0).allowed).toBe(true);
    expect(limiter.take('a', 1, 1).allowed).toBe(false);
  });
});
