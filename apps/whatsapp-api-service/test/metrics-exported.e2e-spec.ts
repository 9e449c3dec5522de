import { metricPrefixFor } from '@lib/observability';
import { retryDelayTiers } from '@lib/resilience';
import { outboundEnvelope, waitUntil } from '@lib/testing';
import request from 'supertest';
import { unexportedReferences } from '../../../ops/checks/exported-metrics';
import { opsFilesOf, opsQueries } from '../../../ops/checks/ops-documents';
import { PrometheusExposition } from '../../../ops/checks/prometheus-exposition';
import { SERVICE_NAME, WhatsappConfig } from '../src/config/whatsapp.config';
import { WHATSAPP_OUTBOUND_QUEUE } from '@lib/contracts';
import { useEgressSandbox } from '../sandbox/use-egress-sandbox';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = metricPrefixFor(SERVICE_NAME);
const ACME = { tenantId: 'acme', phoneNumberId: '500000000000001', accessToken: 'EAAG-metrics-acme' };
const PACED = { tenantId: 'paced', phoneNumberId: '500000000000002', accessToken: 'EAAG-metrics-paced', messagesPerSecond: 2 };
const FRAGILE = { tenantId: 'fragile', phoneNumberId: '500000000000003', accessToken: 'EAAG-metrics-fragile' };
const LOCKED = { tenantId: 'locked', phoneNumberId: '500000000000004', accessToken: 'EAAG-metrics-locked' };

/** The metrics the service promises (issue #4), with their type and exact label names. */
const PROMISED: [name: string, type: string, labels: string[]][] = [
  ['messages_consumed_total', 'counter', ['tenant', 'type']],
  ['messages_sent_total', 'counter', ['tenant', 'type']],
  ['messages_failed_total', 'counter', ['tenant', 'category']],
  ['messages_retried_total', 'counter', ['tenant', 'category']],
  ['messages_dead_lettered_total', 'counter', ['tenant', 'category']],
  ['messages_duplicate_total', 'counter', ['tenant']],
  ['meta_api_requests_total', 'counter', ['tenant', 'status_code']],
  ['meta_api_request_duration_seconds', 'histogram', ['tenant']],
  ['message_processing_duration_seconds', 'histogram', ['tenant']],
  ['credential_fetch_duration_seconds', 'histogram', []],
  ['credential_cache_requests_total', 'counter', ['result']],
  ['circuit_breaker_state', 'gauge', ['tenant']],
  ['account_holds', 'gauge', ['tenant', 'code']],
  ['account_hold_transitions_total', 'counter', ['tenant', 'transition']],
  ['rate_limit_delayed_total', 'counter', ['tenant']],
  ['messages_in_flight', 'gauge', []],
  ['queue_depth', 'gauge', ['queue']],
  ['broker_connected', 'gauge', []],
  ['broker_blocked', 'gauge', []],
  ['redis_connected', 'gauge', []],
  ['process_resident_memory_bytes', 'gauge', []],
  ['process_cpu_seconds_total', 'counter', []],
  ['nodejs_eventloop_lag_p99_seconds', 'gauge', []],
];

describe('metrics on GET /metrics after every outcome (real RabbitMQ and Redis)', () => {
  const sandbox = useEgressSandbox(
    'wa-metrics',
    {
      redisUrl: REDIS_URL,
      env: { CB_FAILURE_THRESHOLD: '2', CB_HALF_OPEN_AFTER_MS: '1000', RETRY_BASE_DELAY_MS: '100', RETRY_MAX_DELAY_MS: '400' },
    },
    [ACME, PACED, FRAGILE, LOCKED],
  );
  const scrape = async () => PrometheusExposition.parse((await request(sandbox().app.getHttpServer()).get('/metrics').expect(200)).text);
  const valueOf = (metrics: PrometheusExposition, name: string, labels: Record<string, string>) => metrics.valueOf(PREFIX + name, labels);
  let metrics: PrometheusExposition;
  let breakerOpened = false;

  beforeAll(async () => {
    const sent = outboundEnvelope({ ...ACME, to: '+4917100000001' });
    await sandbox().publish(sent);
    expect(await sandbox().waitForStatus(sent.metadata.internalId)).toMatchObject({ status: 'sent' });

    const fromCache = outboundEnvelope({ ...ACME, to: '+4917100000002' });
    await sandbox().publish(fromCache);
    await sandbox().waitForStatus(fromCache.metadata.internalId);

    await sandbox().publish(sent);
    await waitUntil(
      'the copy to be counted as a duplicate',
      async () => valueOf(await scrape(), 'messages_duplicate_total', { tenant: 'acme' }) === 1,
    );

    sandbox().meta.inject('131000', { match: { to: '+4917100000003' }, times: 1 });
    const retried = outboundEnvelope({ ...ACME, to: '+4917100000003' });
    await sandbox().publish(retried);
    expect(await sandbox().waitForStatus(retried.metadata.internalId)).toMatchObject({ status: 'sent', attempts: 2 });

    sandbox().meta.inject('131047', { match: { to: '+4917100000004' }, times: 1 });
    const deadLettered = outboundEnvelope({ ...ACME, to: '+4917100000004' });
    await sandbox().publish(deadLettered);
    expect(await sandbox().waitForStatus(deadLettered.metadata.internalId)).toMatchObject({ status: 'failed' });

    const paced = Array.from({ length: 3 }, () => outboundEnvelope({ ...PACED, to: '+4917200000001' }));
    for (const envelope of paced) await sandbox().publish(envelope);
    await Promise.all(paced.map((envelope) => sandbox().waitForStatus(envelope.metadata.internalId)));

    sandbox().meta.inject('131000', { match: { phoneNumberId: FRAGILE.phoneNumberId }, times: Infinity });
    const fragile = Array.from({ length: 3 }, (_, i) => outboundEnvelope({ ...FRAGILE, to: `+491730000000${i}` }));
    for (const envelope of fragile) await sandbox().publish(envelope);
    await waitUntil("fragile's breaker to open", async () => valueOf(await scrape(), 'circuit_breaker_state', { tenant: 'fragile' }) === 2);
    breakerOpened = true;
    sandbox().meta.clearFaults();
    await Promise.all(fragile.map((envelope) => sandbox().waitForStatus(envelope.metadata.internalId, 30_000)));

    sandbox().meta.inject('131031', { match: { phoneNumberId: LOCKED.phoneNumberId }, times: Infinity });
    await sandbox().publish(outboundEnvelope({ ...LOCKED, to: '+4917400000001' }));
    await waitUntil(
      "locked's account hold",
      async () => valueOf(await scrape(), 'account_holds', { tenant: 'locked', code: '131031' }) === 1,
    );

    // A status event goes out just before its message is acked: let the last ones settle.
    await waitUntil('every message to settle', async () => valueOf(await scrape(), 'messages_in_flight', {}) === 0);
    metrics = await scrape();
  }, 90_000);

  it.each(PROMISED)('exports %s as a %s labelled exactly by [%s]', (name, type, labels) => {
    expect(metrics.problemsWith(PREFIX + name, type, labels)).toEqual([]);
  });

  it('counts each outcome under its tenant, type, category and status code', () => {
    const count = (name: string, labels: Record<string, string>) => valueOf(metrics, name, labels);
    expect(count('messages_consumed_total', { tenant: 'acme', type: 'text' })).toBeGreaterThanOrEqual(5);
    expect(count('messages_sent_total', { tenant: 'acme', type: 'text' })).toBe(3);
    expect(count('messages_retried_total', { tenant: 'acme', category: 'TRANSIENT' })).toBe(1);
    expect(count('messages_dead_lettered_total', { tenant: 'acme', category: 'WINDOW_EXPIRED' })).toBe(1);
    expect(count('messages_failed_total', { tenant: 'acme', category: 'TRANSIENT' })).toBe(1);
    expect(count('messages_failed_total', { tenant: 'acme', category: 'WINDOW_EXPIRED' })).toBe(1);
    expect(count('messages_duplicate_total', { tenant: 'acme' })).toBe(1);
    expect(count('meta_api_requests_total', { tenant: 'acme', status_code: '200' })).toBe(3);
    expect(count('meta_api_requests_total', { tenant: 'acme', status_code: '500' })).toBe(1);
    expect(count('meta_api_requests_total', { tenant: 'acme', status_code: '400' })).toBe(1);
    expect(count('message_processing_duration_seconds_count', { tenant: 'acme' })).toBeGreaterThanOrEqual(5);
    expect(count('meta_api_request_duration_seconds_count', { tenant: 'acme' })).toBe(5);
    expect(count('credential_cache_requests_total', { result: 'miss' })).toBeGreaterThanOrEqual(3);
    expect(count('credential_cache_requests_total', { result: 'hit' })).toBeGreaterThanOrEqual(1);
    expect(count('credential_fetch_duration_seconds_count', {})).toBeGreaterThanOrEqual(3);
    expect(count('rate_limit_delayed_total', { tenant: 'paced' })).toBeGreaterThanOrEqual(1);
    expect(count('messages_retried_total', { tenant: 'fragile', category: 'TENANT_CIRCUIT_OPEN' })).toBeGreaterThanOrEqual(1);
    expect(breakerOpened).toBe(true);
    expect(count('circuit_breaker_state', { tenant: 'fragile' })).toBe(0);
    expect(count('account_holds', { tenant: 'locked', code: '131031' })).toBe(1);
    expect(count('account_hold_transitions_total', { tenant: 'locked', transition: 'started' })).toBe(1);
    expect(count('messages_retried_total', { tenant: 'locked', category: 'ACCOUNT_ON_HOLD' })).toBe(1);
    expect(count('messages_in_flight', {})).toBe(0);
    expect(count('broker_connected', {})).toBe(1);
    expect(count('broker_blocked', {})).toBe(0);
    expect(count('redis_connected', {})).toBe(1);
  });

  it('reports the depth of the work queue, the dead-letter queue and every retry queue', () => {
    const tiers = retryDelayTiers(sandbox().app.get(WhatsappConfig).retry);
    const queues = [
      WHATSAPP_OUTBOUND_QUEUE.queue,
      WHATSAPP_OUTBOUND_QUEUE.deadLetterQueue,
      ...tiers.map((tier) => `${WHATSAPP_OUTBOUND_QUEUE.queue}.retry.${tier}ms`),
    ];
    expect(metrics.labelValues(PREFIX + 'queue_depth', 'queue')).toEqual(new Set(queues));
  });

  describe('every metric the dashboard and the alert rules name', () => {
    const queries = opsQueries(opsFilesOf(SERVICE_NAME));

    it.each(queries.map((query) => [query.where, query.expr]))('%s: exported, with the labels it selects and groups by', (_where, expr) => {
      expect(unexportedReferences(metrics, expr)).toEqual([]);
    });
  });
});
