import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MONITORED_SERVICES } from './checks/monitored-services';
import { allPanels, loadAlertRules, loadDashboard, opsQueries, REPO_ROOT } from './checks/ops-documents';
import { metricReferences, promqlProblems } from './checks/promql';

/**
 * Shape of every service's alert rules and dashboard, and PromQL that is at least well formed. What
 * each service must page on and show is in its own spec (whatsapp-monitoring, genesys-monitoring);
 * that every metric they name is exported is proven against a live `/metrics` by each service's
 * metrics-exported e2e spec.
 */

/** GitHub's heading anchors of README.md. */
function readmeAnchors(): Set<string> {
  const headings = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8').match(/^#{1,6} .+$/gm) ?? [];
  return new Set(
    headings.map((heading) =>
      heading
        .replace(/^#+ /, '')
        .toLowerCase()
        .replace(/[^a-z0-9 _-]/g, '')
        .replace(/ /g, '-'),
    ),
  );
}

describe('PromQL checks', () => {
  it.each([
    ['rate(x_total)', 'rate() needs a range vector'],
    ['sum(rate(x_total[5m])', 'unclosed'],
    ['rates(x_total[5m])', "unknown function 'rates'"],
    ['histogram_quantile(0.9, sum by (tenant) (rate(x_bucket[5m])))', "must keep 'le'"],
    ['histogram_quantile(0.9, rate(x_count[5m]))', 'needs a _bucket series'],
    ['x_total[5x]', 'a range must be a duration'],
    ['x_total ? 1', "unexpected character '?'"],
  ])('rejects %s', (expr, problem) => {
    expect(promqlProblems(expr).join('; ')).toContain(problem);
  });

  it('reads metric names and matchers, not functions, keywords or grouping labels', () => {
    expect(metricReferences('sum by (le) (rate(a_bucket{queue="q",tenant=~"$tenant"}[$__rate_interval])) / on (x) b > 0 and c')).toEqual([
      {
        metric: 'a_bucket',
        matchers: [
          { label: 'queue', op: '=', value: 'q' },
          { label: 'tenant', op: '=~', value: '$tenant' },
        ],
      },
      { metric: 'b', matchers: [] },
      { metric: 'c', matchers: [] },
    ]);
  });
});

describe('the services side by side', () => {
  it('loads into one Prometheus and one Grafana: alert names and dashboard uids never clash', () => {
    const alerts = MONITORED_SERVICES.flatMap((service) => loadAlertRules(service.files).groups.flatMap((group) => group.rules));
    expect(new Set(alerts.map((rule) => rule.alert)).size).toBe(alerts.length);
    const uids = MONITORED_SERVICES.map((service) => loadDashboard(service.files).uid);
    expect(new Set(uids).size).toBe(uids.length);
  });
});

describe.each(MONITORED_SERVICES)('$name', (service) => {
  const { prefix, files } = service;
  const rules = loadAlertRules(files).groups.flatMap((group) => group.rules);
  const dashboard = loadDashboard(files);
  const panels = allPanels(dashboard);
  const dataPanels = panels.filter((panel) => panel.type !== 'row');
  const queries = opsQueries(files);
  const references = queries.flatMap(({ where, expr }) => metricReferences(expr).map((reference) => ({ where, ...reference })));
  const alertExprs = rules.map((rule) => rule.expr).join('\n');
  const panelExprs = dataPanels.flatMap((panel) => panel.targets!.map((target) => target.expr)).join('\n');

  describe('alert rules', () => {
    it(`have a name of the service's, an expression, a duration, a severity, a summary, a description and a runbook`, () => {
      expect(rules.length).toBeGreaterThan(0);
      for (const rule of rules) {
        expect({ alert: rule.alert, ok: new RegExp(`^${service.alertPrefix}[A-Z][A-Za-z0-9]+$`).test(rule.alert) }).toEqual({
          alert: rule.alert,
          ok: true,
        });
        expect(typeof rule.expr).toBe('string');
        expect(rule.for).toMatch(/^\d+[smh]$/);
        expect(['critical', 'warning', 'info']).toContain(rule.labels?.severity);
        expect(rule.annotations?.summary).toEqual(expect.any(String));
        expect(rule.annotations?.description).toEqual(expect.any(String));
      }
    });

    it('point every runbook at an existing README section', () => {
      const anchors = readmeAnchors();
      for (const rule of rules) {
        const linked = [...rule.annotations.runbook.matchAll(/README\.md#([\w-]+)/g)].map((match) => match[1]);
        expect({ alert: rule.alert, linked: linked.length > 0, missing: linked.filter((anchor) => !anchors.has(anchor)) }).toEqual({
          alert: rule.alert,
          linked: true,
          missing: [],
        });
      }
    });

    it('page on what every egress service must: broker lost, no replica, errors, dead letters, backlog, breakers', () => {
      expect(alertExprs).toContain(`${prefix}broker_connected) == 0`);
      expect(alertExprs).toContain(`absent(${prefix}broker_connected)`);
      expect(alertExprs).toContain(`${prefix}queue_depth{queue="${service.queue.deadLetterQueue}"}`);
      expect(alertExprs).toContain(`${prefix}queue_depth{queue="${service.queue.queue}"}`);
      expect(alertExprs).toMatch(
        new RegExp(`${prefix}messages_failed_total[\\s\\S]*/[\\s\\S]*${prefix}messages_consumed_total[\\s\\S]*> 0\\.01`),
      );
      expect(alertExprs).toContain(`${prefix}circuit_breaker_state`);
      expect(alertExprs).toContain(`${prefix}redis_connected) == 0`);
    });

    it('leave flow control (messages parked, not failed) out of the error rate', () => {
      expect(alertExprs).toContain(`${prefix}messages_failed_total{category!~"${service.flowControl.join('|')}"}`);
    });
  });

  describe('dashboard', () => {
    it('is importable, with a Prometheus data source input and a tenant variable', () => {
      expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
      expect(dashboard.uid).toMatch(/^[\w-]{1,40}$/);
      expect(dashboard.title).toBe(service.name);
      expect(dashboard.__inputs).toEqual([expect.objectContaining({ name: 'DS_PROMETHEUS', type: 'datasource', pluginId: 'prometheus' })]);
      const tenant = dashboard.templating.list.find((variable) => variable.name === 'tenant');
      expect(tenant).toMatchObject({ type: 'query', datasource: { uid: '${DS_PROMETHEUS}' } });
      expect(queries.find((query) => query.where === 'variable $tenant')?.expr).toBe(`${prefix}messages_consumed_total{tenant!=""}`);
    });

    it('queries the data source input in every panel and target, with unique ids and no overlapping panels', () => {
      for (const panel of dataPanels) {
        expect({ panel: panel.title, uid: panel.datasource?.uid, targets: panel.targets?.length ?? 0 }).toEqual({
          panel: panel.title,
          uid: '${DS_PROMETHEUS}',
          targets: expect.any(Number),
        });
        expect(panel.targets!.length).toBeGreaterThan(0);
        for (const target of panel.targets!) expect(target.datasource?.uid).toBe('${DS_PROMETHEUS}');
      }
      expect(new Set(panels.map((panel) => panel.id)).size).toBe(panels.length);
      const cells = new Set<string>();
      for (const { gridPos, title } of panels) {
        expect(gridPos.x + gridPos.w).toBeLessThanOrEqual(24);
        for (let x = gridPos.x; x < gridPos.x + gridPos.w; x += 1) {
          for (let y = gridPos.y; y < gridPos.y + gridPos.h; y += 1) {
            expect({ title, cell: cells.has(`${x},${y}`) }).toEqual({ title, cell: false });
            cells.add(`${x},${y}`);
          }
        }
      }
    });

    it('filters every per-tenant series by the tenant variable', () => {
      const tenantMetrics = [
        'messages_consumed_total',
        'messages_sent_total',
        'messages_failed_total',
        'message_processing_duration_seconds_bucket',
      ];
      for (const panel of dataPanels) {
        for (const reference of panel.targets!.flatMap((target) => metricReferences(target.expr))) {
          if (!tenantMetrics.some((name) => reference.metric === prefix + name)) continue;
          expect({ panel: panel.title, matchers: reference.matchers }).toEqual({
            panel: panel.title,
            matchers: expect.arrayContaining([{ label: 'tenant', op: '=~', value: '$tenant' }]),
          });
        }
      }
    });

    it('shows throughput, failures by category, processing percentiles, breakers, queues, the broker and in-flight messages', () => {
      for (const metric of [
        'messages_consumed_total',
        'messages_sent_total',
        'circuit_breaker_state',
        'broker_connected',
        'messages_in_flight',
      ]) {
        expect(panelExprs).toContain(prefix + metric);
      }
      expect(panelExprs).toContain(`sum by (category) (rate(${prefix}messages_failed_total`);
      for (const quantile of ['0.5', '0.95', '0.99'])
        expect(panelExprs).toContain(
          `histogram_quantile(${quantile}, sum by (le) (rate(${prefix}message_processing_duration_seconds_bucket`,
        );
      for (const queue of [service.queue.queue, service.queue.deadLetterQueue])
        expect(panelExprs).toContain(`queue_depth{queue="${queue}"}`);
      expect(panelExprs).toContain(`queue_depth{queue=~"${service.queue.queue}[.]retry[.].*"}`);
      expect(panelExprs).toContain(`delta(${prefix}queue_depth{queue="${service.queue.deadLetterQueue}"}[1h])`);
    });
  });

  describe('every PromQL expression', () => {
    it.each(queries.map((query) => [query.where, query.expr]))('%s is well formed', (_where, expr) => {
      expect(promqlProblems(expr)).toEqual([]);
    });

    it('names only metrics under the service prefix', () => {
      expect(references.filter((reference) => !reference.metric.startsWith(prefix))).toEqual([]);
    });

    it('matches only error categories the service has', () => {
      const categories = references.flatMap((reference) =>
        reference.matchers.filter((matcher) => matcher.label === 'category').flatMap((matcher) => matcher.value.split('|')),
      );
      expect(categories.length).toBeGreaterThan(0);
      expect(categories.filter((category) => !service.categories.includes(category))).toEqual([]);
    });
  });
});
