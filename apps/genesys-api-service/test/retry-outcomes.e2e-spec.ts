import { Fault, GenesysServerError, inboundEnvelope, SimulatedGenesysClient } from '@lib/testing';
import { GenesysSandboxTenant, genesysTenant } from '../sandbox/genesys-sandbox';
import { useGenesysSandbox } from '../sandbox/use-genesys-sandbox';
import { callsOf } from './support/genesys-e2e';

const REGIONS: SimulatedGenesysClient['region'][] = ['mypurecloud.ie', 'mypurecloud.de', 'euw2.pure.cloud', 'cac1.pure.cloud'];
let tenantSeq = 0;

/**
 * 5xx, timeouts, connections reset and a login that is unavailable: the message waits in the broker
 * (backoff with jitter) and is sent again, RETRY_MAX_ATTEMPTS Genesys calls in all, logins included;
 * then it is dead-lettered with the last answer's reason. The region breaker is kept out of the way
 * (it has its own spec).
 */
describe('genesys-api-service: failures worth a retry (real RabbitMQ, simulated Genesys)', () => {
  const sandbox = useGenesysSandbox('gen-retry-outcomes', {
    env: {
      RETRY_MAX_ATTEMPTS: '3',
      RETRY_BASE_DELAY_MS: '100',
      RETRY_MAX_DELAY_MS: '400',
      GENESYS_TIMEOUT_MS: '500',
      CB_FAILURE_THRESHOLD: '1000',
    },
  });

  /** A tenant of its own per test: faults and calls are matched by its client and integration. */
  function newTenant(): GenesysSandboxTenant {
    return sandbox().addTenant(genesysTenant(REGIONS[tenantSeq++ % REGIONS.length]));
  }

  const failMessages = (tenant: GenesysSandboxTenant, fault: Fault<GenesysServerError>, times = 1) =>
    sandbox().genesys.faults.inject(fault, { match: { integrationId: tenant.integrationId, endpoint: 'message' }, times });

  async function publish(tenant: GenesysSandboxTenant) {
    const envelope = inboundEnvelope({ tenantId: tenant.tenantId, text: 'Is my order on its way?' });
    await sandbox().publish(envelope);
    return envelope;
  }

  it.each([
    ['a 500', { kind: 'error', error: 500 }],
    ['a 503', { kind: 'error', error: 503 }],
    ['a timeout', { kind: 'timeout' }],
    ['a reset connection', { kind: 'reset' }],
  ] as const)('sends again after %s and delivers once', async (_name, fault) => {
    const tenant = newTenant();
    failMessages(tenant, fault);
    const envelope = await publish(tenant);
    const event = await sandbox().waitForCorrelation(envelope.metadata.whatsapp_message_id);
    const calls = callsOf(sandbox().genesys, tenant, 'message');
    expect(calls).toHaveLength(2);
    expect(calls[1].status).toBe(200);
    expect(event).toMatchObject({ status: 'created', genesysMessageId: calls[1].messageId });
    expect(sandbox().genesys.messagesFor(tenant.integrationId)).toHaveLength(1);
  });

  it('fetches the token again when the login is unavailable, then delivers', async () => {
    const tenant = newTenant();
    sandbox().genesys.faults.inject({ kind: 'error', error: 503 }, { match: { clientId: tenant.clientId, endpoint: 'token' } });
    const envelope = await publish(tenant);
    await sandbox().waitForCorrelation(envelope.metadata.whatsapp_message_id);
    expect(callsOf(sandbox().genesys, tenant).map((call) => [call.endpoint, call.status])).toEqual([
      ['token', 503],
      ['token', 200],
      ['message', 200],
    ]);
  });

  it('dead-letters after RETRY_MAX_ATTEMPTS Genesys calls, with the last answer’s reason and the body unchanged', async () => {
    const tenant = newTenant();
    failMessages(tenant, { kind: 'error', error: 503 }, Infinity);
    const envelope = await publish(tenant);
    const deadLetter = await sandbox().waitForDeadLetter(envelope.metadata.whatsapp_message_id);
    const calls = callsOf(sandbox().genesys, tenant, 'message');
    expect(calls.map((call) => call.status)).toEqual([503, 503, 503]);

    expect(deadLetter.content.equals(Buffer.from(JSON.stringify(envelope)))).toBe(true);
    expect(deadLetter.headers).toMatchObject({
      'x-error-category': 'RETRIES_EXHAUSTED',
      'x-error-code': 'service.unavailable',
      'x-error-status': '503',
      'x-genesys-context-id': calls[2].correlationId,
      'x-attempts': 3,
      'x-tenant-id': tenant.tenantId,
      'x-whatsapp-message-id': envelope.metadata.whatsapp_message_id,
      'x-original-routing-key': `inbound.processed.${tenant.tenantId}`,
    });
    expect(deadLetter.headers['x-error-message']).toBe(
      'gave up after 3 Genesys call(s); last error TRANSIENT: The service is currently unavailable.',
    );
    expect(Date.parse(deadLetter.headers['x-failed-at'])).not.toBeNaN();
    expect(sandbox().correlationsOf(envelope.metadata.whatsapp_message_id)).toEqual([]);
  });

  it('dead-letters after RETRY_MAX_ATTEMPTS timeouts', async () => {
    const tenant = newTenant();
    failMessages(tenant, { kind: 'timeout' }, Infinity);
    const envelope = await publish(tenant);
    const deadLetter = await sandbox().waitForDeadLetter(envelope.metadata.whatsapp_message_id);
    expect(callsOf(sandbox().genesys, tenant, 'message')).toHaveLength(3);
    expect(deadLetter.headers).toMatchObject({ 'x-error-category': 'RETRIES_EXHAUSTED', 'x-attempts': 3 });
    expect(deadLetter.headers['x-error-message']).toMatch(/^gave up after 3 Genesys call\(s\); last error TRANSIENT: /);
  });

  it('counts logins that fail against the same budget, and dead-letters without ever calling the API', async () => {
    const tenant = newTenant();
    sandbox().genesys.faults.inject(
      { kind: 'error', error: 502 },
      { match: { clientId: tenant.clientId, endpoint: 'token' }, times: Infinity },
    );
    const envelope = await publish(tenant);
    const deadLetter = await sandbox().waitForDeadLetter(envelope.metadata.whatsapp_message_id);
    expect(callsOf(sandbox().genesys, tenant).map((call) => [call.endpoint, call.status])).toEqual([
      ['token', 502],
      ['token', 502],
      ['token', 502],
    ]);
    expect(deadLetter.headers).toMatchObject({ 'x-error-category': 'RETRIES_EXHAUSTED', 'x-error-status': '502', 'x-attempts': 3 });
  });
});
