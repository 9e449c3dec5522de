import { GENESYS_CORRELATION_EVENTS_QUEUE, GENESYS_INBOUND_QUEUE } from '@lib/contracts';
import { metricPrefixFor } from '@lib/observability';
import { retryDelayTiers } from '@lib/resilience';
import { inboundEnvelope, inboundReceipt, waitUntil } from '@lib/testing';
import request from 'supertest';
import { unexportedReferences } from '../../../ops/checks/exported-metrics';
import { opsFilesOf, opsQueries } from '../../../ops/checks/ops-documents';
import { PrometheusExposition } from '../../../ops/checks/prometheus-exposition';
import { GenesysConfig, SERVICE_NAME } from '../src/config/genesys.config';
import { genesysTenant } from '../sandbox/genesys-sandbox';
import { useGenesysSandbox } from '../sandbox/use-genesys-sandbox';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = metricPrefixFor(SERVICE_NAME);
const ACME = genesysTenant('mypurecloud.ie');
/** Its tenant-service record holds another client secret than Genesys knows: the login answers invalid_client. */
const REFUSED = genesysTenant('mypurecloud.de');
/** Its login fails once (503): the token endpoint is unavailable, the message retried. */
const LOGIN_DOWN = genesysTenant('usw2.pure.cloud');
/** Its own limit (tenant service): one a second, no burst. */
const PACED = genesysTenant('mypurecloud.com', { rateLimits: { requestsPerMinute: 60, burstSize: 1 } });
/** Genesys gives its token 2 requests a minute: the third draws a 429. */
const LIMITED = genesysTenant('euw2.pure.cloud');
/** Its whole region answers 503 until the region's breaker has opened. */
const FRAGILE = genesysTenant('mypurecloud.jp');
const CUSTOMER = '4915112345678';

/** The metrics the service promises (the list), with their type and exact label names. */
const PROMISED: [name: string, type: string, labels: string[]][] = [
  ['messages_consumed_total', 'counter', ['tenant', 'type']],
  ['messages_sent_total', 'counter', ['tenant', 'type']],
  ['messages_failed_total', 'counter', ['tenant', 'category']],
  ['messages_retried_total', 'counter', ['tenant', 'category']],
  ['messages_dead_lettered_total', 'counter', ['tenant', 'category']],
  ['messages_duplicate_total', 'counter', ['tenant']],
  ['messages_dropped_total', 'counter', ['tenant', 'reason']],
  ['genesys_api_requests_total', 'counter', ['tenant', 'status_code', 'region']],
  ['genesys_api_request_duration_seconds', 'histogram', ['tenant', 'region']],
  ['genesys_login_requests_total', 'counter', ['tenant', 'status_code', 'region']],
  ['genesys_login_request_duration_seconds', 'histogram', ['tenant', 'region']],
  ['access_token_cache_requests_total', 'counter', ['cache', 'result']],
  ['access_token_fetches_total', 'counter', ['cache', 'result']],
  ['access_token_fetch_duration_seconds', 'histogram', ['cache']],
  ['rate_limit_pauses_total', 'counter', ['tenant']],
  ['rate_limit_delayed_total', 'counter', ['tenant']],
  ['message_processing_duration_seconds', 'histogram', ['tenant']],
  ['credential_fetch_duration_seconds', 'histogram', []],
  ['credential_cache_requests_total', 'counter', ['result']],
  ['circuit_breaker_state', 'gauge', ['region']],
  ['messages_in_flight', 'gauge', []],
  ['queue_depth', 'gauge', ['queue']],
  ['broker_connected', 'gauge', []],
  ['broker_blocked', 'gauge', []],
  ['redis_connected', 'gauge', []],
  ['process_resident_memory_bytes', 'gauge', []],
  ['process_cpu_seconds_total', 'counter', []],
  ['nodejs_eventloop_lag_p99_seconds', 'gauge', []],
];

describe('genesys-api-service metrics on GET /metrics after every outcome (real RabbitMQ and Redis)', () => {
  /** How far Genesys's clock runs ahead of ours: moved on to bring a 429's Retry-After within the test. */
  let genesysAheadMs = 0;
  const sandbox = useGenesysSandbox('gen-metrics', {
    redisUrl: REDIS_URL,
    genesysClock: () => Date.now() + genesysAheadMs,
    env: { CB_FAILURE_THRESHOLD: '2', CB_HALF_OPEN_AFTER_MS: '1000', RETRY_BASE_DELAY_MS: '100', RETRY_MAX_DELAY_MS: '400' },
  });
  const scrape = async () => PrometheusExposition.parse((await request(sandbox().app.getHttpServer()).get('/metrics').expect(200)).text);
  const valueOf = (metrics: PrometheusExposition, name: string, labels: Record<string, string>) => metrics.valueOf(PREFIX + name, labels);
  const deliver = async (envelope: ReturnType<typeof inboundEnvelope>) => {
    await sandbox().publish(envelope);
    return sandbox().waitForCorrelation(envelope.metadata.whatsapp_message_id, 30_000);
  };
  let metrics: PrometheusExposition;
  let breakerOpened = false;

  beforeAll(async () => {
    const { genesys, tenants } = sandbox();
    for (const tenant of [ACME, LOGIN_DOWN, PACED, FRAGILE]) sandbox().addTenant(tenant);
    sandbox().addTenant({ ...LIMITED, requestsPerMinute: 2 });
    tenants.addTenant({ tenantId: REFUSED.tenantId, genesys: { ...REFUSED } });
    genesys.addClient({ ...REFUSED, clientSecret: 'not-the-secret-the-tenant-service-holds', integrations: [REFUSED.integrationId] });

    const sent = inboundEnvelope({ tenantId: ACME.tenantId, from: CUSTOMER });
    await deliver(sent);
    await deliver(inboundEnvelope({ tenantId: ACME.tenantId, from: CUSTOMER }));
    await sandbox().publish(sent);
    await waitUntil(
      'the copy to be counted as a duplicate',
      async () => valueOf(await scrape(), 'messages_duplicate_total', { tenant: ACME.tenantId }) === 1,
    );

    genesys.faults.inject({ kind: 'error', error: 503 }, { match: { integrationId: ACME.integrationId, endpoint: 'message' } });
    await deliver(inboundEnvelope({ tenantId: ACME.tenantId, from: CUSTOMER }));

    const agentMessage = genesys.sendAgentMessage({ integrationId: ACME.integrationId, to: { id: CUSTOMER, idType: 'Phone' }, text: 'Hi' });
    for (const status of ['Delivered', 'Read']) {
      const receipt = inboundReceipt({ tenantId: ACME.tenantId, genesysMessageId: agentMessage.id, customerId: CUSTOMER, status });
      await sandbox().publish(JSON.stringify(receipt), ACME.tenantId);
    }
    await waitUntil('the Delivered receipt sent and the Read one dropped', async () => {
      const current = await scrape();
      return (
        valueOf(current, 'messages_sent_total', { tenant: ACME.tenantId, type: 'receipt' }) === 1 &&
        valueOf(current, 'messages_dropped_total', { tenant: ACME.tenantId, reason: 'receipt_status_not_accepted' }) === 1
      );
    });

    const refused = inboundEnvelope({ tenantId: REFUSED.tenantId });
    await sandbox().publish(refused);
    expect((await sandbox().waitForDeadLetter(refused.metadata.whatsapp_message_id)).headers['x-error-category']).toBe('ACCOUNT_ERROR');

    genesys.faults.inject({ kind: 'error', error: 503 }, { match: { endpoint: 'token', clientId: LOGIN_DOWN.clientId } });
    await deliver(inboundEnvelope({ tenantId: LOGIN_DOWN.tenantId }));

    await Promise.all(Array.from({ length: 3 }, (_, i) => deliver(inboundEnvelope({ tenantId: PACED.tenantId, from: `49151000000${i}` }))));

    await deliver(inboundEnvelope({ tenantId: LIMITED.tenantId }));
    await deliver(inboundEnvelope({ tenantId: LIMITED.tenantId }));
    // Genesys's minute of those two requests is all but over: the third waits out a Retry-After of a few seconds.
    genesysAheadMs = 57_000;
    await deliver(inboundEnvelope({ tenantId: LIMITED.tenantId }));

    genesys.faults.inject({ kind: 'error', error: 503 }, { match: { region: FRAGILE.region, endpoint: 'message' }, times: Infinity });
    const fragile = Array.from({ length: 3 }, (_, i) => inboundEnvelope({ tenantId: FRAGILE.tenantId, from: `49152000000${i}` }));
    for (const envelope of fragile) await sandbox().publish(envelope);
    await waitUntil(
      "the Japanese region's breaker to open",
      async () => valueOf(await scrape(), 'circuit_breaker_state', { region: FRAGILE.region }) === 2,
    );
    breakerOpened = true;
    genesys.faults.clear();
    await Promise.all(fragile.map((envelope) => sandbox().waitForCorrelation(envelope.metadata.whatsapp_message_id, 30_000)));

    // A correlation event goes out just before its message is acked: let the last ones settle.
    await waitUntil('every message to settle', async () => valueOf(await scrape(), 'messages_in_flight', {}) === 0);
    metrics = await scrape();
  }, 120_000);

  it.each(PROMISED)('exports %s as a %s labelled exactly by [%s]', (name, type, labels) => {
    expect(metrics.problemsWith(PREFIX + name, type, labels)).toEqual([]);
  });

  it('counts each outcome under its tenant, type, category, status code and region', () => {
    const count = (name: string, labels: Record<string, string>) => valueOf(metrics, name, labels);
    const acme = ACME.tenantId;
    const ireland = { tenant: acme, region: ACME.region };
    expect(count('messages_consumed_total', { tenant: acme, type: 'text' })).toBeGreaterThanOrEqual(4);
    expect(count('messages_sent_total', { tenant: acme, type: 'text' })).toBe(3);
    expect(count('messages_sent_total', { tenant: acme, type: 'receipt' })).toBe(1);
    expect(count('messages_duplicate_total', { tenant: acme })).toBe(1);
    expect(count('messages_retried_total', { tenant: acme, category: 'TRANSIENT' })).toBe(1);
    expect(count('messages_failed_total', { tenant: acme, category: 'TRANSIENT' })).toBe(1);
    expect(count('messages_dropped_total', { tenant: acme, reason: 'receipt_status_not_accepted' })).toBe(1);
    expect(count('genesys_api_requests_total', { ...ireland, status_code: '200' })).toBe(3);
    expect(count('genesys_api_requests_total', { ...ireland, status_code: '202' })).toBe(1);
    expect(count('genesys_api_requests_total', { ...ireland, status_code: '503' })).toBe(1);
    expect(count('genesys_api_request_duration_seconds_count', ireland)).toBe(5);
    expect(count('messages_dead_lettered_total', { tenant: REFUSED.tenantId, category: 'ACCOUNT_ERROR' })).toBe(1);
    expect(count('genesys_login_requests_total', { tenant: REFUSED.tenantId, region: REFUSED.region, status_code: '401' })).toBe(1);
    expect(count('genesys_login_requests_total', { tenant: LOGIN_DOWN.tenantId, region: LOGIN_DOWN.region, status_code: '503' })).toBe(1);
    expect(count('messages_retried_total', { tenant: LOGIN_DOWN.tenantId, category: 'TRANSIENT' })).toBe(1);
    expect(count('access_token_fetches_total', { cache: 'genesys', result: 'refused' })).toBe(1);
    expect(count('access_token_fetches_total', { cache: 'genesys', result: 'unavailable' })).toBe(1);
    expect(count('access_token_fetches_total', { cache: 'genesys', result: 'ok' })).toBe(5);
    expect(count('access_token_cache_requests_total', { cache: 'genesys', result: 'hit' })).toBeGreaterThanOrEqual(5);
    expect(count('credential_cache_requests_total', { result: 'miss' })).toBeGreaterThanOrEqual(6);
    expect(count('credential_cache_requests_total', { result: 'hit' })).toBeGreaterThanOrEqual(1);
    expect(count('rate_limit_delayed_total', { tenant: PACED.tenantId })).toBeGreaterThanOrEqual(1);
    expect(count('genesys_api_requests_total', { tenant: LIMITED.tenantId, region: LIMITED.region, status_code: '429' })).toBe(1);
    expect(count('rate_limit_pauses_total', { tenant: LIMITED.tenantId })).toBe(1);
    expect(count('messages_retried_total', { tenant: LIMITED.tenantId, category: 'RATE_LIMITED_PAUSE' })).toBeGreaterThanOrEqual(1);
    expect(count('messages_sent_total', { tenant: LIMITED.tenantId, type: 'text' })).toBe(3);
    expect(breakerOpened).toBe(true);
    expect(count('circuit_breaker_state', { region: FRAGILE.region })).toBe(0);
    expect(count('messages_retried_total', { tenant: FRAGILE.tenantId, category: 'CIRCUIT_OPEN' })).toBeGreaterThanOrEqual(1);
    expect(count('messages_in_flight', {})).toBe(0);
    expect(count('broker_connected', {})).toBe(1);
    expect(count('broker_blocked', {})).toBe(0);
    expect(count('redis_connected', {})).toBe(1);
  });

  it('reports the depth of the work queue, the dead-letter queue, every retry queue and the correlation-events queue', () => {
    const tiers = retryDelayTiers(sandbox().app.get(GenesysConfig).retry);
    const queues = [
      GENESYS_INBOUND_QUEUE.queue,
      GENESYS_INBOUND_QUEUE.deadLetterQueue,
      ...tiers.map((tier) => `${GENESYS_INBOUND_QUEUE.queue}.retry.${tier}ms`),
      GENESYS_CORRELATION_EVENTS_QUEUE.name,
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
