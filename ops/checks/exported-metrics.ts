import { PrometheusExposition } from './prometheus-exposition';
import { groupingLabels, metricReferences } from './promql';

/** Labels Prometheus adds to every scraped series; a service does not export them itself. */
const TARGET_LABELS = ['instance', 'job'];

/**
 * What an alert or panel expression asks of a live `/metrics` that it does not offer: a metric not
 * exported, a label a selector names that its series lack, an exact value (`=`) or a fixed pattern
 * (`=~`) no series has, a grouping label no named metric carries. Empty when the expression can work.
 */
export function unexportedReferences(metrics: PrometheusExposition, expr: string): string[] {
  const references = metricReferences(expr);
  if (references.length === 0) return ['names no metric'];
  const problems: string[] = [];
  const known = new Set(TARGET_LABELS);
  for (const { metric, matchers } of references) {
    const family = metrics.familyOf(metric);
    if (!family) {
      problems.push(`${metric} is not exported`);
      continue;
    }
    const labels = metrics.labelNamesOf(metric);
    labels.forEach((label) => known.add(label));
    for (const { label, op, value } of matchers) {
      if (!labels.has(label)) {
        problems.push(`${metric} has no label ${label}`);
        continue;
      }
      const values = [...metrics.labelValues(family.name, label)];
      if (op === '=' && !values.includes(value))
        problems.push(`${metric}{${label}="${value}"} has no series (values: ${values.join(', ')})`);
      if (op === '=~' && !value.includes('$') && !values.some((v) => new RegExp(`^(?:${value})$`).test(v))) {
        problems.push(`${metric}{${label}=~"${value}"} matches no series (values: ${values.join(', ')})`);
      }
    }
  }
  return [
    ...problems,
    ...groupingLabels(expr)
      .filter((label) => !known.has(label))
      .map((label) => `groups by ${label}, which no metric has`),
  ];
}
