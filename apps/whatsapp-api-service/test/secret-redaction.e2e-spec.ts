import { outboundEnvelope, waitUntil } from '@lib/testing';
import { randomBytes } from 'node:crypto';
import { ServiceProcess } from '../sandbox/service-process';
import { useEgressSandbox } from '../sandbox/use-egress-sandbox';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const marker = (label: string) => `PLANTED-${label}-${randomBytes(6).toString('hex')}`;

const TOKEN = marker('TOKEN');
const ROTATED_TOKEN = marker('ROTATED');
const PERSONAL_TEXT = marker('TEXT');
const SECRETS = [TOKEN, ROTATED_TOKEN, 'tenant-service-token'];

const ACME = { tenantId: 'acme', phoneNumberId: '700000000000001', accessToken: TOKEN };
const GLOBEX = { tenantId: 'globex', phoneNumberId: '700000000000002', accessToken: marker('GLOBEX') };
SECRETS.push(GLOBEX.accessToken);

let recipientSeq = 0;
const recipient = () => `+49171${String(++recipientSeq).padStart(7, '0')}`;
const textTo = (to: string) => ({ messaging_product: 'whatsapp', to, type: 'text', text: { body: `Your order ${PERSONAL_TEXT}` } });

/**
 * The service as its own process at LOG_LEVEL=debug, driven through every outcome with recognisable
 * tokens from the tenant service: none may show up in its output, dead letters, status events or metrics.
 */
describe('secrets and personal data stay out of logs, dead letters, events and metrics', () => {
  const sandbox = useEgressSandbox(
    'wa-redaction',
    {
      redisUrl: REDIS_URL,
      inProcessService: false,
      env: { RETRY_MAX_ATTEMPTS: '2', RETRY_BASE_DELAY_MS: '50', RETRY_MAX_DELAY_MS: '200' },
    },
    [ACME, GLOBEX],
  );
  let replica: ServiceProcess;
  let lines: Record<string, any>[] = [];
  let metrics = '';

  beforeAll(async () => {
    replica = await ServiceProcess.start({ ...sandbox().env, LOG_LEVEL: 'debug' });
    const send = async (owner: typeof ACME, prepare?: (to: string) => void) => {
      const to = recipient();
      prepare?.(to);
      const envelope = outboundEnvelope({ ...owner, to, wabaPayload: textTo(to) });
      await sandbox().publish(envelope);
      return envelope.metadata.internalId;
    };
    const { meta, tenants } = sandbox();
    const ids = {
      sent: await send(ACME),
      retried: await send(ACME, (to) => meta.inject('131000', { match: { to } })),
      deadLettered: await send(ACME, (to) => meta.inject('132001', { match: { to } })),
      authDeadLettered: await send(ACME, (to) => meta.inject('190', { match: { to }, times: 2 })),
    };
    await Promise.all(Object.values(ids).map((id) => sandbox().waitForStatus(id)));

    meta.addPhoneNumber({ phoneNumberId: ACME.phoneNumberId, accessTokens: [TOKEN, ROTATED_TOKEN] });
    meta.revokeToken(TOKEN);
    tenants.tenants.get(ACME.tenantId)!.accessToken = ROTATED_TOKEN;
    const refreshed = await send(ACME);

    tenants.mode = 'unavailable';
    const tenantServiceDown = await send(GLOBEX);
    await waitUntil('the tenant service to be asked', () => tenants.requestsFor(GLOBEX.tenantId) >= 3);
    tenants.mode = 'up';
    await Promise.all([refreshed, tenantServiceDown].map((id) => sandbox().waitForStatus(id, 30_000)));

    expect(sandbox().statusOf(ids.sent)).toMatchObject({ status: 'sent' });
    expect(sandbox().statusOf(ids.retried)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(sandbox().statusOf(ids.deadLettered)).toMatchObject({ status: 'failed', error: { category: 'TEMPLATE_ERROR' } });
    expect(sandbox().statusOf(ids.authDeadLettered)).toMatchObject({ status: 'failed', error: { category: 'AUTH' } });
    expect(sandbox().statusOf(refreshed)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(sandbox().statusOf(tenantServiceDown)).toMatchObject({ status: 'sent' });

    metrics = await fetch(`${replica.url}/metrics`).then((response) => response.text());
    expect(await replica.stop('SIGTERM')).toBe(0);
    lines = replica
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line));
  }, 120_000);

  afterAll(() => replica?.stop('SIGKILL'));

  it('went through sent, retried, credential refresh, dead-lettered and tenant-service errors', () => {
    const events = new Set(lines.map((line) => line.event));
    for (const event of ['message_sent', 'message_retry_scheduled', 'credentials_refreshed', 'message_dead_lettered'])
      expect(events).toContain(event);
    expect(lines.some((line) => line.category === 'TENANT_SERVICE_UNAVAILABLE')).toBe(true);
  });

  it('prints no token in any log line, at debug level', () => {
    for (const secret of SECRETS) expect(replica.output()).not.toContain(secret);
  });

  it('puts no token in dead letters, status events or metric labels', () => {
    const deadLetters = sandbox().deadLetters.map((message) => JSON.stringify(message.headers) + message.content.toString());
    const events = sandbox().statusEvents.map((message) => message.content.toString());
    expect(deadLetters.length).toBeGreaterThanOrEqual(2);
    for (const secret of SECRETS) {
      for (const text of [...deadLetters, ...events]) expect(text).not.toContain(secret);
    }
    expect(metrics).toContain('tenant="acme"');
    for (const secret of SECRETS) expect(metrics).not.toContain(secret);
  });

  it('keeps message text out of lines at info and above', () => {
    const atInfo = lines.filter((line) => ['info', 'warn', 'error', 'fatal'].includes(line.level));
    expect(atInfo.length).toBeGreaterThan(0);
    for (const line of atInfo) expect(JSON.stringify(line)).not.toContain(PERSONAL_TEXT);
  });

  it('binds the message’s ids to every line about it, including lines deep in the call', () => {
    const about = lines.filter((line) =>
      ['message_sent', 'message_retry_scheduled', 'credentials_refreshed', 'message_dead_lettered'].includes(line.event),
    );
    for (const line of about) {
      expect(line).toMatchObject({
        service: 'whatsapp-api-service',
        tenantId: expect.any(String),
        internalId: expect.any(String),
        attempt: expect.any(Number),
      });
    }
    const sent = lines.find((line) => line.event === 'message_sent')!;
    expect(sent).toMatchObject({
      correlationId: expect.any(String),
      wamid: expect.stringMatching(/^wamid\./),
      durationMs: expect.any(Number),
      version: expect.any(String),
    });
    const retried = lines.find((line) => line.event === 'message_retry_scheduled' && line.errorCode === 131000)!;
    expect(retried).toMatchObject({ category: 'TRANSIENT', traceId: expect.any(String), correlationId: expect.any(String) });
    expect(lines.some((line) => 'fbtraceId' in line)).toBe(false);
  });
});
