import { inboundEnvelope, inboundReceipt, ServiceProcess, waitUntil } from '@lib/testing';
import { randomBytes } from 'node:crypto';
import { genesysTenant } from '../sandbox/genesys-sandbox';
import { GENESYS_ENTRY_POINT } from '../sandbox/genesys-sandboxed-service';
import { useGenesysSandbox } from '../sandbox/use-genesys-sandbox';
import { REDIS_URL } from './support/genesys-e2e';

const marker = (label: string) => `PLANTED-${label}-${randomBytes(6).toString('hex')}`;
const PERSONAL_TEXT = marker('TEXT');
const ACME = genesysTenant('mypurecloud.ie', { clientSecret: marker('SECRET') });
const GLOBEX = genesysTenant('mypurecloud.de', { clientSecret: marker('SECRET') });
const basicOf = ({ clientId, clientSecret }: { clientId: string; clientSecret: string }) =>
  Buffer.from(`${clientId}:${clientSecret}`).toString('base64');

/**
 * The service as its own process at LOG_LEVEL=debug, driven through logins, a retry, a token expired
 * mid-run, a conversation looked up in the details, refused client credentials, a dropped receipt
 * and malformed input: no client secret, Basic credentials or bearer token may show up in its output,
 * its dead letters, its correlation events or its metrics, nor a message's text at info and above.
 */
describe('secrets and personal data stay out of the genesys-api-service’s logs, dead letters, events and metrics', () => {
  const sandbox = useGenesysSandbox(
    'gen-redaction',
    { redisUrl: REDIS_URL, inProcessService: false, env: { RETRY_BASE_DELAY_MS: '50', RETRY_MAX_DELAY_MS: '200' } },
    [ACME],
  );
  let replica: ServiceProcess;
  let metrics = '';
  let secrets: string[] = [];

  beforeAll(async () => {
    const { genesys, tenants } = sandbox();
    // GLOBEX's record holds a secret Genesys no longer accepts: invalid_client.
    tenants.addTenant({ tenantId: GLOBEX.tenantId, genesys: { ...GLOBEX, clientSecret: GLOBEX.clientSecret } });
    genesys.addClient({
      region: GLOBEX.region,
      clientId: GLOBEX.clientId,
      clientSecret: marker('ROTATED'),
      integrations: [GLOBEX.integrationId],
    });
    replica = await ServiceProcess.start(GENESYS_ENTRY_POINT, { ...sandbox().env, LOG_LEVEL: 'debug' });

    const publish = async (envelope: ReturnType<typeof inboundEnvelope> | ReturnType<typeof inboundReceipt>) => {
      await sandbox().publish(envelope);
      return envelope.metadata.whatsapp_message_id;
    };
    const message = (tenantId: string) => inboundEnvelope({ tenantId, text: `Order ${PERSONAL_TEXT}` });
    await sandbox().waitForCorrelation(await publish(message(ACME.tenantId)));
    genesys.faults.inject({ kind: 'error', error: 503 }, { match: { integrationId: ACME.integrationId, endpoint: 'message' } });
    await sandbox().waitForCorrelation(await publish(message(ACME.tenantId)));
    genesys.expireTokens({ clientId: ACME.clientId });
    genesys.ignorePrefetchConversationId = true;
    genesys.detailsLagLookups = 1;
    await sandbox().waitForCorrelation(await publish(message(ACME.tenantId)));
    await sandbox().waitForDeadLetter(await publish(message(GLOBEX.tenantId)));
    await publish(inboundReceipt({ tenantId: ACME.tenantId, status: 'read' }));
    const malformed = message(ACME.tenantId) as any;
    malformed.genesysPayload.channel.from.idType = PERSONAL_TEXT;
    await sandbox().waitForDeadLetter(await publish(malformed));
    await waitUntil('the queue drained', async () => (await sandbox().probe.messageCount('inbound-processed')) === 0);

    metrics = await fetch(`${replica.url}/metrics`).then((response) => response.text());
    expect(await replica.stop('SIGTERM')).toBe(0);
    const bearers = genesys.requests.map((call) => call.headers.authorization).filter((header) => header?.startsWith('Bearer '));
    secrets = [
      ACME.clientSecret,
      GLOBEX.clientSecret,
      basicOf(ACME),
      basicOf(GLOBEX),
      sandbox().env.TENANT_SERVICE_TOKEN,
      ...new Set(bearers.map((header) => header!.slice('Bearer '.length))),
    ];
    expect(new Set(bearers).size).toBe(2);
  }, 120_000);

  afterAll(() => replica?.stop('SIGKILL'));

  const lines = () =>
    replica
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line));

  it('went through logins, a retry, a refused token, a details look-up, invalid_client, a drop and a refusal', () => {
    const events = new Set(lines().map((line) => line.event));
    for (const event of [
      'access_token_fetched',
      'message_retry_scheduled',
      'access_token_invalidated',
      'message_sent',
      'message_dropped',
    ]) {
      expect(events).toContain(event);
    }
    const deadLettered = lines().filter((line) => line.event === 'message_dead_lettered');
    expect(deadLettered.map((line) => line.category).sort()).toEqual(['ACCOUNT_ERROR', 'INVALID_ENVELOPE']);
    expect(sandbox().genesys.requests.some((call) => call.endpoint === 'details' && call.status === 200)).toBe(true);
  });

  it('prints no client secret, Basic credentials, bearer token or service token, at debug level', () => {
    expect(secrets.every((secret) => secret.length >= 16)).toBe(true);
    for (const secret of secrets) expect(replica.output()).not.toContain(secret);
  });

  it('puts none of them in dead letters, correlation events or metrics', () => {
    const written = [
      ...sandbox().deadLetters.map((message) => JSON.stringify(message.headers) + message.content.toString()),
      ...sandbox().correlationEvents.map((message) => message.content.toString()),
      metrics,
    ];
    for (const secret of secrets) for (const text of written) expect(text).not.toContain(secret);
    expect(
      sandbox()
        .deadLetters.map((message) => JSON.stringify(message.headers))
        .join(''),
    ).not.toContain(PERSONAL_TEXT);
  });

  it('keeps message text out of lines at info and above', () => {
    const atInfo = lines().filter((line) => ['info', 'warn', 'error', 'fatal'].includes(line.level));
    expect(atInfo.length).toBeGreaterThan(0);
    for (const line of atInfo) expect(JSON.stringify(line)).not.toContain(PERSONAL_TEXT);
  });
});
