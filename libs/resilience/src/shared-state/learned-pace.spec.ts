import { LearnedPace, lowered, PACE_RULES, paceOf, parseLearnedPace, raised } from './learned-pace';

const T0 = 1_700_000_000_000;
/** Meta's default: 80 messages per second. */
const META_80 = { count: 80, perMs: 1000 };

describe('learned pace (AIMD)', () => {
  it('has nothing to say until a 130429: the stated limit holds', () => {
    expect(paceOf(undefined, 80)).toBe(80);
    expect(raised(undefined, META_80, 1000, T0)).toBeUndefined();
  });

  it('takes a first 130429 at the stated limit as a strike: 10 % lower for a moment, the stated limit still the ceiling', () => {
    expect(lowered(undefined, META_80, T0, T0 + 50)).toEqual({
      limit: 72,
      ceiling: 80,
      loweredAt: T0 + 50,
      changedAt: T0 + 50,
      strikes: 1,
    });
  });

  it('takes a second 130429 at the stated limit as a strike too, and lowers the pace by 30 % on a third within a minute of it', () => {
    const struck = lowered(undefined, META_80, T0, T0)!;
    const back = raised(struck, META_80, 2000, T0 + 2000)!;
    expect(back).toMatchObject({ limit: 80, strikes: 1 });
    const struckAgain = lowered(back, META_80, T0 + 30_000, T0 + 30_050)!;
    expect(struckAgain).toEqual({ limit: 72, ceiling: 80, loweredAt: T0 + 30_050, changedAt: T0 + 30_050, strikes: 2 });
    const backAgain = raised(struckAgain, META_80, 2000, T0 + 32_050)!;
    expect(lowered(backAgain, META_80, T0 + 89_000, T0 + 89_050)).toEqual({
      limit: 56,
      ceiling: 80,
      loweredAt: T0 + 89_050,
      changedAt: T0 + 89_050,
    });
  });

  it('learns at once from a 130429 for a send made while a strike still held the pace below the stated limit', () => {
    const struck = lowered(undefined, META_80, T0, T0)!;
    const recovering = raised(struck, META_80, 1000, T0 + 1000)!;
    expect(recovering.limit).toBeCloseTo(76);
    expect(lowered(recovering, META_80, T0 + 1001, T0 + 1050)).toEqual({
      limit: recovering.limit * 0.7,
      ceiling: recovering.limit,
      loweredAt: T0 + 1050,
      changedAt: T0 + 1050,
    });
  });

  it('comes back from a strike fast, to the stated limit, and forgets it after a minute', () => {
    const struck = lowered(undefined, META_80, T0, T0)!;
    expect(raised(struck, META_80, 1000, T0 + 1000)!.limit).toBeCloseTo(76);
    const back = raised(struck, META_80, 2000, T0 + 2000)!;
    expect(paceOf(back, 80)).toBe(80);
    expect(raised(back, META_80, 500, T0 + 30_000)).toBe(back);
    expect(raised(back, META_80, 500, T0 + 60_001)).toBeUndefined();
    // A strike a minute old is forgotten: the next 130429 is a first one again.
    expect(lowered(back, META_80, T0 + 60_001, T0 + 60_001)).toMatchObject({ limit: 72, ceiling: 80, strikes: 1 });
  });

  it('never takes a 130429 as a strike while a learned pace holds the number below its stated limit', () => {
    const learned: LearnedPace = { limit: 76, ceiling: 80, loweredAt: T0, changedAt: T0 };
    expect(lowered(learned, META_80, T0 + 5000, T0 + 5000)).toEqual({
      limit: 76 * 0.7,
      ceiling: 76,
      loweredAt: T0 + 5000,
      changedAt: T0 + 5000,
    });
  });

  it('ignores 130429s for sends made while Meta still counted the old pace, and acts on later ones', () => {
    const once: LearnedPace = { limit: 56, ceiling: 80, loweredAt: T0, changedAt: T0 };
    expect(lowered(once, META_80, T0 + PACE_RULES.settleWindows * 1000, T0 + 1200)).toBe(once);
    expect(lowered(once, META_80, T0 + PACE_RULES.settleWindows * 1000 + 1, T0 + 1200)).toMatchObject({ limit: 56 * 0.7, ceiling: 56 });
  });

  it('never paces below 1 msg/s', () => {
    let learned: LearnedPace | undefined;
    for (let second = 0; second < 30; second += 1) learned = lowered(learned, META_80, T0 + second * 2000, T0 + second * 2000);
    expect(learned!.limit).toBe(PACE_RULES.floor);
  });

  it('comes back by 5 % of the stated limit per second of sends up to 90 % of the ceiling, probes slowly up to it, then fast again', () => {
    const learned: LearnedPace = { limit: 14, ceiling: 20, loweredAt: T0, changedAt: T0 };
    const fast = raised(learned, META_80, 500, T0 + 500)!;
    expect(fast.limit).toBeCloseTo(16);
    expect(raised(fast, META_80, 1000, T0 + 1500)!.limit).toBeCloseTo(18);
    const probing = raised({ ...learned, limit: 18 }, META_80, 1000, T0 + 1000)!;
    expect(probing.limit).toBeCloseTo(18 + 20 * PACE_RULES.probePerWindow);
    expect(raised({ ...learned, limit: 19.99 }, META_80, 1000, T0 + 1000)!.limit).toBe(20);
    expect(raised({ ...learned, limit: 20 }, META_80, 1000, T0 + 1000)!.limit).toBeCloseTo(24);
  });

  it('credits time once, however many replicas report sends for it, and nothing without sends', () => {
    const learned: LearnedPace = { limit: 10, ceiling: 40, loweredAt: T0, changedAt: T0 };
    const first = raised(learned, META_80, 1000, T0 + 1000)!;
    expect(raised(first, META_80, 1000, T0 + 1000)).toBe(first);
    expect(raised(first, META_80, 0, T0 + 2000)).toBe(first);
    // A replica that reports after a long idle stretch earns at most its own credit.
    expect(raised(first, META_80, 1000, T0 + 60_000)!.limit).toBeCloseTo(first.limit + 4);
  });

  it('forgets the learned pace once it is back at the stated limit, or the stated limit fell below it', () => {
    expect(raised({ limit: 79.5, ceiling: 60, loweredAt: T0, changedAt: T0 }, META_80, 1000, T0 + 1000)).toBeUndefined();
    expect(raised({ limit: 79.5, ceiling: 100, loweredAt: T0, changedAt: T0 }, META_80, 1000, T0 + 1000)).toBeUndefined();
    expect(raised({ limit: 30, ceiling: 40, loweredAt: T0, changedAt: T0 }, { count: 20, perMs: 1000 }, 1000, T0 + 1000)).toBeUndefined();
    expect(paceOf({ limit: 30, ceiling: 40, loweredAt: T0, changedAt: T0 }, 20)).toBe(20);
  });

  it('converges below a real limit a quarter of the stated one, and the 130429s stop', () => {
    // One step per 100 ms: a 130429 whenever the paced count of a second exceeds what Meta allows.
    const stated = 80;
    const real = 20;
    let learned: LearnedPace | undefined;
    const overshoots: number[] = [];
    const paces: number[] = [];
    for (let step = 0; step < 3000; step += 1) {
      const now = T0 + step * 100;
      const pace = paceOf(learned, stated);
      paces.push(pace);
      if (Math.floor(pace) > real) {
        const next = lowered(learned, { count: stated, perMs: 1000 }, now, now);
        if (next !== learned) overshoots.push(step);
        learned = next;
      } else {
        learned = raised(learned, { count: stated, perMs: 1000 }, 100, now);
      }
    }
    const late = paces.slice(600);
    expect(overshoots.filter((step) => step < 300).length).toBeGreaterThanOrEqual(4);
    // Past the first minute the pace only probes near the ceiling: one 130429 every two minutes or so.
    expect(overshoots.filter((step) => step >= 600).length).toBeLessThanOrEqual(3);
    expect(Math.min(...late) / real).toBeGreaterThan(0.6);
    expect(Math.max(...late)).toBeLessThan(real + 2);
  });

  it('learns a per-minute limit in minutes: it settles for one, and comes back by 5 % of the stated limit per minute', () => {
    const perMinute = { count: 300, perMs: 60_000 };
    const struck = lowered(undefined, perMinute, T0, T0)!;
    expect(struck).toEqual({ limit: 270, ceiling: 300, loweredAt: T0, changedAt: T0, strikes: 1 });
    expect(lowered(struck, perMinute, T0 + 59_000, T0 + 61_000)).toBe(struck);
    const once = lowered(struck, perMinute, T0 + 61_000, T0 + 62_000)!;
    expect(once).toEqual({ limit: 189, ceiling: 270, loweredAt: T0 + 62_000, changedAt: T0 + 62_000 });
    expect(raised(once, perMinute, 1000, T0 + 63_000)!.limit).toBeCloseTo(189 + 15 / 60);
  });

  it('reads back only a well-formed stored pace', () => {
    const stored = { limit: 12.5, ceiling: 20, loweredAt: T0, changedAt: T0 };
    expect(parseLearnedPace(JSON.stringify(stored))).toEqual(stored);
    expect(parseLearnedPace(JSON.stringify({ ...stored, strikes: 1 }))).toEqual({ ...stored, strikes: 1 });
    expect(parseLearnedPace(JSON.stringify({ ...stored, strikes: 'one' }))).toEqual(stored);
    expect(parseLearnedPace(JSON.stringify({ ...stored, limit: 0 }))).toMatchObject({ limit: PACE_RULES.floor });
    for (const junk of [null, '', 'not json', '{"limit":"12"}', JSON.stringify({ ...stored, ceiling: null }), '[]']) {
      expect(parseLearnedPace(junk)).toBeUndefined();
    }
  });
});
