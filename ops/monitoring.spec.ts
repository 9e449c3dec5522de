import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WHATSAPP_CATEGORIES } from '../apps/whatsapp-api-service/src/meta/meta-error-categories';
import { metricPrefixFor } from '@lib/observability';
import { SERVICE_NAME } from '../apps/whatsapp-api-service/src/config/whatsapp.config';
import { WHATSAPP_OUTBOUND_QUEUE } from '@lib/contracts';
import { allPanels, loadAlertRules, loadDashboard, opsQueries, REPO_ROOT } from './checks/ops-documents';
import { metricReferences, promqlProblems } from './checks/promql';

/**
 * Shape of the alert rules and the dashboard, and PromQL that is at least well formed. That every
 * metric they name is exported is proven against a live `/metrics` by metrics-exported.e2e-spec.ts.
 */
const PREFIX = metricPrefixFor(SERVICE_NAME);
const rules = loadAlertRules().groups.flatMap((group) => group.rules);
const dashboard = loadDashboard();
const queries = opsQueries();
const references = queries.flatMap(({ where, expr }) => metricReferences(expr).map((reference) => ({ where, ...reference })));

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

describe('ops/prometheus/alerts.yml', () => {
  it('has rules with a name, an expression, a duration, a severity, a summary, a description and a runbook', () => {
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect({ alert: rule.alert, ok: /^[A-Z][A-Za-z0-9]+$/.test(rule.alert) }).toEqual({ alert: rule.alert, ok: true });
      expect(typeof rule.expr).toBe('string');
      expect(rule.for).toMatch(/^\d+[smh]$/);
      expect(['critical', 'warning', 'info']).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary).toEqual(expect.any(String));
      expect(rule.annotations?.description).toEqual(expect.any(String));
    }
    expect(new Set(rules.map((rule) => rule.alert)).size).toBe(rules.length);
  });

  it('points every runbook at an existing README section', () => {
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

  it('covers the conditions the service must page on', () => {
    const exprs = rules.map((rule) => rule.expr).join('\n');
    expect(exprs).toContain(`${PREFIX}queue_depth{queue="${WHATSAPP_OUTBOUND_QUEUE.deadLetterQueue}"}`);
    expect(exprs).toContain(`${PREFIX}queue_depth{queue="${WHATSAPP_OUTBOUND_QUEUE.queue}"}`);
    expect(exprs).toMatch(/messages_failed_total[\s\S]*\/[\s\S]*messages_consumed_total[\s\S]*> 0\.01/);
    expect(exprs).toContain(`${PREFIX}circuit_breaker_state`);
    expect(exprs).toContain(`${PREFIX}broker_connected) == 0`);
    expect(exprs).toContain(`${PREFIX}account_holds`);
  });
});

describe('ops/grafana/whatsapp-api-service.dashboard.json', () => {
  const panels = allPanels(dashboard);
  const dataPanels = panels.filter((panel) => panel.type !== 'row');

  it('is an importable dashboard with a Prometheus data source input and a tenant variable', () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dashboard.uid).toMatch(/^[\w-]{1,40}$/);
    expect(dashboard.__inputs).toEqual([expect.objectContaining({ name: 'DS_PROMETHEUS', type: 'datasource', pluginId: 'prometheus' })]);
    const tenant = dashboard.templating.list.find((variable) => variable.name === 'tenant');
    expect(tenant).toMatchObject({ type: 'query', datasource: { uid: '${DS_PROMETHEUS}' } });
    expect(queries.find((query) => query.where === 'variable $tenant')?.expr).toBe(`${PREFIX}messages_consumed_total{tenant!=""}`);
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
        if (!tenantMetrics.some((name) => reference.metric === PREFIX + name)) continue;
        expect({ panel: panel.title, matchers: reference.matchers }).toEqual({
          panel: panel.title,
          matchers: expect.arrayContaining([{ label: 'tenant', op: '=~', value: '$tenant' }]),
        });
      }
    }
  });

  it('shows throughput, errors, latency percentiles, breakers, account holds, queues, the cache, the broker and in-flight messages', () => {
    const exprs = dataPanels.flatMap((panel) => panel.targets!.map((target) => target.expr)).join('\n');
    for (const metric of [
      'messages_consumed_total',
      'messages_sent_total',
      'circuit_breaker_state',
      'credential_cache_requests_total',
      'broker_connected',
      'messages_in_flight',
      'account_holds',
    ]) {
      expect(exprs).toContain(PREFIX + metric);
    }
    expect(exprs).toMatch(/sum by \(category\) \(rate\(whatsapp_api_service_messages_failed_total/);
    for (const histogram of ['message_processing_duration_seconds', 'meta_api_request_duration_seconds']) {
      for (const quantile of ['0.5', '0.95', '0.99'])
        expect(exprs).toContain(`histogram_quantile(${quantile}, sum by (le) (rate(${PREFIX}${histogram}_bucket`);
    }
    for (const queue of [WHATSAPP_OUTBOUND_QUEUE.queue, WHATSAPP_OUTBOUND_QUEUE.deadLetterQueue])
      expect(exprs).toContain(`queue_depth{queue="${queue}"}`);
    expect(exprs).toContain(`queue_depth{queue=~"${WHATSAPP_OUTBOUND_QUEUE.queue}[.]retry[.].*"}`);
    expect(exprs).toMatch(/delta\(whatsapp_api_service_queue_depth\{queue="outbound-failed"\}\[1h\]\)/);
  });
});

describe('every PromQL expression of ops/', () => {
  it.each(queries.map((query) => [query.where, query.expr]))('%s is well formed', (_where, expr) => {
    expect(promqlProblems(expr)).toEqual([]);
  });

  it('names only metrics under the service prefix', () => {
    expect(references.filter((reference) => !reference.metric.startsWith(PREFIX))).toEqual([]);
  });

  it('matches only error categories the service has', () => {
    const categories = references.flatMap((reference) =>
      reference.matchers.filter((matcher) => matcher.label === 'category').flatMap((matcher) => matcher.value.split('|')),
    );
    expect(categories.length).toBeGreaterThan(0);
    expect(categories.filter((category) => !WHATSAPP_CATEGORIES.includes(category))).toEqual([]);
  });
});
