/**
 * The median of each numeric figure over several runs of one consumer (the lower middle of an even
 * count), nested objects included; figures named in `worst` (lost, duplicated…) take the largest value
 * instead, since a median would hide one bad run.
 */
export function medianOf<T extends object>(runs: T[], worst: ReadonlyArray<string> = []): T {
  const combine = (values: unknown[], key: string): unknown => {
    const first = values[0];
    if (typeof first === 'number') {
      const numbers = values as number[];
      if (worst.includes(key)) return Math.max(...numbers);
      return [...numbers].sort((a, b) => a - b)[Math.floor((numbers.length - 1) / 2)];
    }
    if (first !== null && typeof first === 'object' && !Array.isArray(first)) {
      const keys = Object.keys(first);
      return Object.fromEntries(
        keys.map((k) => [
          k,
          combine(
            values.map((v) => (v as Record<string, unknown>)[k]),
            k,
          ),
        ]),
      );
    }
    return first;
  };
  return combine(runs, '') as T;
}

/** The medians of a benchmark's runs, each run being the bare consumer's and the service's results side by side. */
export function mediansOfRuns<T extends object>(
  runs: Array<{ bare: T; service: T }>,
  worst: ReadonlyArray<string>,
): { bare: T; service: T } {
  return {
    bare: medianOf(
      runs.map((run) => run.bare),
      worst,
    ),
    service: medianOf(
      runs.map((run) => run.service),
      worst,
    ),
  };
}
