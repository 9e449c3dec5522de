import { inboundEnvelope, waitUntil } from '@lib/testing';
import { genesysTenant } from '../sandbox/genesys-sandbox';
import { useGenesysSandbox } from '../sandbox/use-genesys-sandbox';
import { callsOf, metricSum, scrapeMetrics } from './support/genesys-e2e';

const FRANKFURT = genesysTenant('mypurecloud.de');
const DUBLIN = genesysTenant('mypurecloud.ie');
const OPEN = 2;
const CLOSED = 0;

/**
 * A Genesys region that fails (login and API answering 503) opens that region's breaker after
 * CB_FAILURE_THRESHOLD failures (all its calls failing): its tenants' messages wait in the broker without calling
 * Genesys or spending attempts, while the tenants of another region flow. After CB_HALF_OPEN_AFTER_MS
 * one trial call goes through; once the region answers again, everything waiting is delivered, in order.
 */
describe('genesys-api-service region circuit breaker (real RabbitMQ, simulated Genesys)', () => {
  const sandbox = useGenesysSandbox(
    'gen-region-breaker',
    {
      env: {
        CB_FAILURE_THRESHOLD: '3',
        CB_HALF_OPEN_AFTER_MS: '2000',
        RETRY_MAX_ATTEMPTS: '10',
        RETRY_BASE_DELAY_MS: '100',
        RETRY_MAX_DELAY_MS: '400',
      },
    },
    [FRANKFURT, DUBLIN],
  );

  const metrics = () => scrapeMetrics(sandbox().app);
  const breakerOf = async (region: string) => metricSum(await metrics(), 'circuit_breaker_state', { region });
  const retriesOf = async (tenantId: string, category?: string) =>
    metricSum(await metrics(), 'messages_retried_total', { tenant: tenantId, ...(category ? { category } : {}) });

  async function deliver(tenantId: string, texts: string[], from: string) {
    const envelopes = texts.map((text) => inboundEnvelope({ tenantId, from, text }));
    for (const envelope of envelopes) await sandbox().publish(envelope);
    return envelopes;
  }

  const waitForAll = (envelopes: ReturnType<typeof inboundEnvelope>[], timeoutMs?: number) =>
    Promise.all(envelopes.map((envelope) => sandbox().waitForCorrelation(envelope.metadata.whatsapp_message_id, timeoutMs)));

  it('holds a failing region’s messages while another region flows, then delivers them in order', async () => {
    await waitForAll([
      ...(await deliver(FRANKFURT.tenantId, ['warm'], '4915300000001')),
      ...(await deliver(DUBLIN.tenantId, ['warm'], '4915300000002')),
    ]);
    const dublinRetriesBefore = await retriesOf(DUBLIN.tenantId);

    sandbox().genesys.faults.inject({ kind: 'error', error: 503 }, { match: { region: 'mypurecloud.de' }, times: Infinity });
    const frankfurt = await deliver(FRANKFURT.tenantId, ['one', 'two', 'three', 'four'], '4915300000003');
    await waitUntil('the Frankfurt breaker to open', async () => (await breakerOf('mypurecloud.de')) === OPEN);
    await waitUntil(
      'a Frankfurt message deferred by the open breaker',
      async () => (await retriesOf(FRANKFURT.tenantId, 'CIRCUIT_OPEN')) > 0,
    );
    expect(await breakerOf('mypurecloud.ie')).toBe(CLOSED);

    const dublin = await deliver(DUBLIN.tenantId, ['a', 'b', 'c', 'd', 'e'], '4915300000004');
    await waitForAll(dublin);
    const dublinCalls = callsOf(sandbox().genesys, DUBLIN, 'message').slice(1);
    expect(dublinCalls.map((call) => call.status)).toEqual([200, 200, 200, 200, 200]);
    expect(await retriesOf(DUBLIN.tenantId)).toBe(dublinRetriesBefore);
    expect(frankfurt.some((envelope) => sandbox().correlationOf(envelope.metadata.whatsapp_message_id))).toBe(false);

    sandbox().genesys.faults.clear();
    await waitForAll(frankfurt, 30_000);
    expect(await breakerOf('mypurecloud.de')).toBe(CLOSED);
    const delivered = callsOf(sandbox().genesys, FRANKFURT, 'message').filter((call) => call.status === 200);
    expect(delivered.slice(1).map((call) => (call.body as any).text)).toEqual(['one', 'two', 'three', 'four']);
    expect(sandbox().deadLetters).toEqual([]);
  }, 60_000);
});
