import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** The files operators deploy beside the services, read the way Prometheus and Grafana read them. */
export const OPS_DIR = join(__dirname, '..');
export const REPO_ROOT = join(OPS_DIR, '..');

/** One service's alert rules and dashboard: `ops/prometheus/<service>.alerts.yml`, `ops/grafana/<service>.dashboard.json`. */
export interface ServiceOpsFiles {
  service: string;
  alertsFile: string;
  dashboardFile: string;
}

export function opsFilesOf(service: string): ServiceOpsFiles {
  return {
    service,
    alertsFile: join(OPS_DIR, `prometheus/${service}.alerts.yml`),
    dashboardFile: join(OPS_DIR, `grafana/${service}.dashboard.json`),
  };
}

export interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface AlertRuleFile {
  groups: { name: string; interval?: string; rules: AlertRule[] }[];
}

export interface DashboardPanel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: { refId: string; expr: string; legendFormat?: string; datasource?: { uid: string } }[];
  panels?: DashboardPanel[];
}

export interface Dashboard {
  __inputs: { name: string; type: string; pluginId: string }[];
  schemaVersion: number;
  uid: string;
  title: string;
  panels: DashboardPanel[];
  templating: { list: { name: string; type: string; query?: unknown; datasource?: { uid: string } }[] };
}

/** One PromQL expression and where it came from, for readable failures. */
export interface OpsQuery {
  where: string;
  expr: string;
}

export const loadAlertRules = (files: ServiceOpsFiles): AlertRuleFile => parse(readFileSync(files.alertsFile, 'utf8'));

export const loadDashboard = (files: ServiceOpsFiles): Dashboard => JSON.parse(readFileSync(files.dashboardFile, 'utf8'));

export function allPanels(dashboard: Dashboard): DashboardPanel[] {
  return dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

/**
 * Every PromQL expression of a service's alert rules and dashboard. A template variable's
 * `label_values(metric, label)` becomes the selector `metric{label!=""}`, so the metric and its
 * label are checked like any other reference.
 */
/** Every alert rule's expression and every dashboard target's, each joined into one text to search. */
export function opsExpressionTexts(files: ServiceOpsFiles): { alertExprs: string; panelExprs: string } {
  const alertExprs = loadAlertRules(files)
    .groups.flatMap((group) => group.rules)
    .map((rule) => rule.expr)
    .join('\n');
  const panelExprs = allPanels(loadDashboard(files))
    .flatMap((panel) => (panel.targets ?? []).map((target) => target.expr))
    .join('\n');
  return { alertExprs, panelExprs };
}

export function opsQueries(files: ServiceOpsFiles): OpsQuery[] {
  const alerts = loadAlertRules(files).groups.flatMap((group) =>
    group.rules.map((rule) => ({ where: `alert ${rule.alert}`, expr: rule.expr })),
  );
  const dashboard = loadDashboard(files);
  const targets = allPanels(dashboard).flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({ where: `panel '${panel.title}' ${target.refId}`, expr: target.expr })),
  );
  const variables = dashboard.templating.list.flatMap((variable) => {
    const query =
      typeof variable.query === 'object' && variable.query !== null ? (variable.query as { query?: string }).query : variable.query;
    const labelValues = typeof query === 'string' ? /^label_values\(\s*([a-zA-Z_:][\w:]*)\s*,\s*(\w+)\s*\)$/.exec(query) : null;
    return labelValues ? [{ where: `variable $${variable.name}`, expr: `${labelValues[1]}{${labelValues[2]}!=""}` }] : [];
  });
  return [...alerts, ...targets, ...variables];
}
