import { SeededRandom } from './seeded-random';

describe(SeededRandom.name, () => {
  it('replays the same sequence for the same seed and another for another seed', () => {
    const draw = (seed: number) =>
      Array.from(
        { length: 20 },
        (
          (random) => () =>
            random.next()
        )(new SeededRandom(seed)),
      );
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it('stays in [0, 1) and spreads evenly enough for fault rates', () => {
    const random = new SeededRandom(7);
    const draws = Array.from({ length: 20_000 }, () => random.next());
    expect(draws.every((value) => value >= 0 && value < 1)).toBe(true);
    const share = draws.filter((value) => value < 0.2).length / draws.length;
    expect(share).toBeGreaterThan(0.18);
    expect(share).toBeLessThan(0.22);
  });

  it('picks integers within bounds', () => {
    const random = new SeededRandom(1);
    const ints = Array.from({ length: 1_000 }, () => random.int(5));
    expect(new Set(ints)).toEqual(new Set([0, 1, 2, 3, 4]));
  });
});
