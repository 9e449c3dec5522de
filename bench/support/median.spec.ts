import { medianOf, mediansOfRuns } from './median';

describe('medianOf', () => {
  it('takes the median of every numeric figure, nested ones too, and the lower middle of an even count', () => {
    const runs = [
      { kind: 'service', msgs: 900, latency: { p50: 30, p99: 90 } },
      { kind: 'service', msgs: 1100, latency: { p50: 10, p99: 70 } },
      { kind: 'service', msgs: 1000, latency: { p50: 20, p99: 80 } },
    ];
    expect(medianOf(runs)).toEqual({ kind: 'service', msgs: 1000, latency: { p50: 20, p99: 80 } });
    expect(medianOf(runs.slice(0, 2)).msgs).toBe(900);
  });

  it('keeps the worst run of the figures that must not be averaged away', () => {
    const runs = [
      { lost: 0, duplicated: 2, msgs: 1 },
      { lost: 3, duplicated: 0, msgs: 2 },
      { lost: 0, duplicated: 0, msgs: 3 },
    ];
    expect(medianOf(runs, ['lost', 'duplicated'])).toEqual({ lost: 3, duplicated: 2, msgs: 2 });
  });

  it("takes the bare consumer's and the service's medians apart", () => {
    const runs = [1, 3, 2].map((n) => ({ bare: { msgs: n * 10, lost: 0 }, service: { msgs: n, lost: n === 3 ? 1 : 0 } }));
    expect(mediansOfRuns(runs, ['lost'])).toEqual({ bare: { msgs: 20, lost: 0 }, service: { msgs: 2, lost: 1 } });
  });
});
