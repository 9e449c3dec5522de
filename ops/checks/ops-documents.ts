import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** The files operators deploy beside the service, read the way Prometheus and Grafana read them. */
export const OPS_DIR = join(__dirname, '..');
export const REPO_ROOT = join(OPS_DIR, '..');
export const ALERTS_FILE = join(OPS_DIR, 'prometheus/alerts.yml');
export const DASHBOARD_FILE = join(OPS_DIR, 'grafana/whatsapp-api-service.dashboard.json');

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

export const loadAlertRules = (): AlertRuleFile => parse(readFileSync(ALERTS_FILE, 'utf8'));

export const loadDashboard = (): Dashboard => JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8'));

export function allPanels(dashboard: Dashboard): DashboardPanel[] {
  return dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

/**
 * Every PromQL expression of the alert rules and the dashboard. A template variable's
 * `label_values(metric, label)` becomes the selector `metric{label!=""}`, so the metric and its
 * label are checked like any other reference.
 */
export function opsQueries(): OpsQuery[] {
  const alerts = loadAlertRules().groups.flatMap((group) => group.rules.map((rule) => ({ where: `alert ${rule.alert}`, expr: rule.expr })));
  const dashboard = loadDashboard();
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
