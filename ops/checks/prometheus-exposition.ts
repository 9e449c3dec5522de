/** A `GET /metrics` answer (Prometheus text format), read into metric families and their series. */

export interface Series {
  /** The series name as exposed: `foo_bucket` for a histogram bucket of `foo`. */
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface MetricFamily {
  name: string;
  type: string;
  series: Series[];
}

const SERIES_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL_PAIR = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
const HISTOGRAM_SUFFIX = /_(bucket|sum|count)$/;

export class PrometheusExposition {
  private constructor(readonly families: ReadonlyMap<string, MetricFamily>) {}

  static parse(text: string): PrometheusExposition {
    const families = new Map<string, MetricFamily>();
    for (const line of text.split('\n')) {
      const type = /^# TYPE (\S+) (\S+)/.exec(line);
      if (type) {
        families.set(type[1], { name: type[1], type: type[2], series: [] });
        continue;
      }
      const series = SERIES_LINE.exec(line);
      if (!series || line.startsWith('#')) continue;
      const [, name, labelText = '', value] = series;
      const family = families.get(name) ?? families.get(name.replace(HISTOGRAM_SUFFIX, ''));
      if (!family) throw new Error(`series '${name}' has no # TYPE line`);
      const labels = Object.fromEntries([...labelText.matchAll(LABEL_PAIR)].map(([, label, raw]) => [label, raw.replace(/\\(.)/g, '$1')]));
      family.series.push({ name, labels, value: Number(value) });
    }
    return new PrometheusExposition(families);
  }

  /** The family a series name belongs to: `foo_bucket` → the histogram `foo`. */
  familyOf(seriesName: string): MetricFamily | undefined {
    const exact = this.families.get(seriesName);
    if (exact) return exact;
    const base = this.families.get(seriesName.replace(HISTOGRAM_SUFFIX, ''));
    return base && (base.type === 'histogram' || base.type === 'summary') ? base : undefined;
  }

  /** Label names a series name carries (`le` only on buckets). */
  labelNamesOf(seriesName: string): Set<string> {
    const series = this.familyOf(seriesName)?.series.filter((s) => s.name === seriesName) ?? [];
    return new Set(series.flatMap((s) => Object.keys(s.labels)));
  }

  /** The value of the series named `seriesName` whose labels include `labels`. */
  valueOf(seriesName: string, labels: Record<string, string>): number | undefined {
    const matches = (series: Series) =>
      series.name === seriesName && Object.entries(labels).every(([label, value]) => series.labels[label] === value);
    return this.familyOf(seriesName)?.series.find(matches)?.value;
  }

  /**
   * How a family differs from what a service promises: missing, another type, a series whose label
   * names are not exactly `labels` (plus `le` on buckets), a histogram without all three suffixes.
   */
  problemsWith(familyName: string, type: string, labels: readonly string[]): string[] {
    const family = this.families.get(familyName);
    if (!family || family.series.length === 0) return [`${familyName} is not exported`];
    const problems = family.type === type ? [] : [`${familyName} is a ${family.type}, not a ${type}`];
    for (const series of family.series) {
      const expected = [...labels, ...(series.name.endsWith('_bucket') ? ['le'] : [])].sort().join(',');
      const actual = Object.keys(series.labels).sort().join(',');
      if (actual !== expected) problems.push(`${series.name} is labelled [${actual}], not [${expected}]`);
    }
    if (type === 'histogram') {
      const suffixes = [...new Set(family.series.map((series) => series.name.slice(family.name.length)))].sort().join(',');
      if (suffixes !== '_bucket,_count,_sum') problems.push(`${familyName} has the series ${suffixes}, not _bucket,_count,_sum`);
    }
    return [...new Set(problems)];
  }

  /** Values `label` takes across a family's series. */
  labelValues(familyName: string, label: string): Set<string> {
    const values = this.families.get(familyName)?.series.map((s) => s.labels[label]) ?? [];
    return new Set(values.filter((value): value is string => value !== undefined));
  }
}
