import { BrokerProbe, createTestVhost, ObservedMessage, outboundEnvelope, TestVhost, waitUntil } from '@lib/testing';
import { randomBytes } from 'node:crypto';
import { ServiceProcess } from '../../apps/whatsapp-api-service/sandbox/service-process';
import { useEgressSandbox } from '../../apps/whatsapp-api-service/sandbox/use-egress-sandbox';
import { WHATSAPP_OUTBOUND_QUEUE } from '@lib/contracts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const planted = (label: string) => `EAAG-PLANTED-${label}-${randomBytes(8).toString('hex')}`;
const TOKEN = planted('A');
const ROTATED_TOKEN = planted('A2');
const OWNER = { tenantId: 'sec-a', phoneNumberId: '740000000000001', accessToken: TOKEN, messagesPerSecond: 1000 };
const OTHER = { tenantId: 'sec-b', phoneNumberId: '740000000000002', accessToken: planted('B'), messagesPerSecond: 1000 };
const LATE = { tenantId: 'sec-c', phoneNumberId: '740000000000003', accessToken: planted('C'), messagesPerSecond: 1000 };
const SECRETS = [TOKEN, ROTATED_TOKEN, OTHER.accessToken, LATE.accessToken, 'tenant-service-token'];
const DEFAULT_MESSAGE_MAX_BYTES = 262_144;

let sequence = 0;
const recipient = () => `+4917440${String((sequence += 1)).padStart(6, '0')}`;

describe('security checks (the service as its own process)', () => {
  const sandbox = useEgressSandbox(
    'chaos-security',
    { redisUrl: REDIS_URL, env: { RETRY_BASE_DELAY_MS: '50', RETRY_MAX_DELAY_MS: '200' } },
    [OWNER, OTHER, LATE],
  );
  let vhost: TestVhost;
  let replica: ServiceProcess;
  let probe: BrokerProbe;
  let statusEvents: ObservedMessage[];
  let deadLetters: ObservedMessage[];

  beforeAll(async () => {
    vhost = await createTestVhost('chaos-security-replica');
    const env = { ...sandbox().env, RABBITMQ_URL: vhost.url, LOG_LEVEL: 'debug' };
    delete (env as Record<string, string | undefined>).MESSAGE_MAX_BYTES;
    replica = await ServiceProcess.start(env);
    probe = await BrokerProbe.connect(vhost.url);
    statusEvents = await probe.watch(WHATSAPP_OUTBOUND_QUEUE.exchange, 'outbound.status.*');
    deadLetters = await probe.watch(WHATSAPP_OUTBOUND_QUEUE.deadLetterExchange, WHATSAPP_OUTBOUND_QUEUE.deadLetterRoutingKey);
  });

  afterAll(async () => {
    await replica?.stop();
    await probe?.close();
    await vhost?.dispose();
  });

  const publish = (body: unknown, routingTenant: string) =>
    probe.publish(WHATSAPP_OUTBOUND_QUEUE.exchange, `outbound.processed.${routingTenant}`, body);
  const statusOf = (internalId: string) => statusEvents.map((event) => event.json()).find((event) => event.internalId === internalId);
  const deadLetterOf = (internalId: string) => deadLetters.find((message) => message.headers['x-internal-id'] === internalId);
  const send = async (owner: typeof OWNER, prepare?: (to: string) => void) => {
    const to = recipient();
    prepare?.(to);
    const envelope = outboundEnvelope({ ...owner, to });
    await publish(envelope, owner.tenantId);
    return envelope.metadata.internalId;
  };

  it('never shows a tenant token in logs, dead letters, status events or /metrics, through every outcome', async () => {
    const { meta, tenants } = sandbox();
    const ids = [
      await send(OWNER),
      await send(OWNER, (to) => meta.inject('131000', { match: { to } })),
      await send(OWNER, (to) => meta.inject('131047', { match: { to } })),
      await send(OWNER, (to) => meta.inject('190', { match: { to }, times: 2 })),
    ];
    await waitUntil('the first outcomes', () => ids.every((id) => statusOf(id)), 15_000);

    // An expired token, refreshed from the tenant service, which now hands out another one.
    meta.addPhoneNumber({ phoneNumberId: OWNER.phoneNumberId, accessTokens: [TOKEN, ROTATED_TOKEN], messagesPerSecond: 1000 });
    meta.revokeToken(TOKEN);
    tenants.tenants.get(OWNER.tenantId)!.accessToken = ROTATED_TOKEN;
    ids.push(await send(OWNER));
    // A tenant whose credentials cannot be fetched for a while.
    tenants.mode = 'unavailable';
    ids.push(await send(LATE));
    await waitUntil('the tenant service to be asked', () => tenants.requestsFor(LATE.tenantId) >= 3, 15_000);
    tenants.mode = 'up';
    ids.push(await send(OTHER, (to) => meta.inject('131026', { match: { to } })));
    await waitUntil('every outcome', () => ids.every((id) => statusOf(id)), 20_000);

    const outcomes = ids.map((id) => statusOf(id).status);
    const metrics = await (await fetch(`${replica.url}/metrics`)).text();
    const places: Record<string, string> = {
      logs: replica.output(),
      deadLetters: deadLetters
        .map((m) => `${m.content.toString('utf8')} ${JSON.stringify(m.headers)} ${JSON.stringify(m.properties)}`)
        .join('\n'),
      statusEvents: statusEvents.map((m) => `${m.content.toString('utf8')} ${JSON.stringify(m.headers)}`).join('\n'),
      metrics,
    };
    expect(outcomes).toEqual(['sent', 'sent', 'failed', 'failed', 'sent', 'sent', 'failed']);
    expect(replica.output()).toContain('"credentials_refreshed"');
    expect(replica.output()).toContain('"level":"debug"');
    // The tokens did reach Meta, so their absence elsewhere is not for want of use.
    expect(meta.requests.some((r) => r.headers.authorization === `Bearer ${ROTATED_TOKEN}`)).toBe(true);
    for (const [place, text] of Object.entries(places)) {
      expect({ place, leaked: SECRETS.filter((secret) => text.includes(secret)) }).toEqual({ place, leaked: [] });
    }
  });

  it("refuses a message of one tenant carrying another tenant's phone number, without any Meta call", async () => {
    const to = recipient();
    const envelope = outboundEnvelope({ ...OWNER, phoneNumberId: OTHER.phoneNumberId, to });
    await publish(envelope, OWNER.tenantId);
    await waitUntil('the dead letter', () => deadLetterOf(envelope.metadata.internalId) !== undefined, 15_000);

    expect(deadLetterOf(envelope.metadata.internalId)!.headers).toMatchObject({
      'x-error-category': 'TENANT_MISMATCH',
      'x-error-message': `metadata.phoneNumberId ${OTHER.phoneNumberId} is not the phone number of tenant '${OWNER.tenantId}'`,
    });
    expect(sandbox().meta.requests.filter((request) => request.body?.to === to)).toEqual([]);
  });

  it('dead-letters a message above the default MESSAGE_MAX_BYTES by its size, without parsing it', async () => {
    const envelope = outboundEnvelope({ ...OWNER, to: recipient() });
    // Not JSON either: had it been parsed, the reason would say so.
    const body = Buffer.concat([Buffer.from(JSON.stringify(envelope).slice(0, -1)), Buffer.alloc(DEFAULT_MESSAGE_MAX_BYTES, '{')]);
    await probe.publish(WHATSAPP_OUTBOUND_QUEUE.exchange, `outbound.processed.${OWNER.tenantId}`, body, { messageId: 'oversized-1' });
    await waitUntil('the dead letter', () => deadLetters.some((m) => m.properties.messageId === 'oversized-1'), 15_000);

    const copy = deadLetters.find((m) => m.properties.messageId === 'oversized-1')!;
    expect(copy.headers).toMatchObject({
      'x-error-category': 'INVALID_ENVELOPE',
      'x-error-message': `message is ${body.length} bytes, above the ${DEFAULT_MESSAGE_MAX_BYTES}-byte limit`,
    });
    expect(copy.headers['x-internal-id']).toBeUndefined();
    expect(copy.content.equals(body)).toBe(true);
  });

  it('serves only GET health and metrics over HTTP and accepts input nowhere', async () => {
    const served = ['/health/live', '/health/ready', '/metrics'];
    const paths = [
      '/',
      ...served,
      '/health',
      '/health/',
      '/metrics/x',
      '/api/v1/send',
      '/messages',
      '/admin',
      '/x-' + randomBytes(4).toString('hex'),
      '/%2e%2e/%2e%2e/etc/passwd',
    ];
    const bodies = ['{"metadata":{"tenantId":"sec-a"}}', 'x'.repeat(5 * 1024 * 1024)];
    const answers: string[] = [];
    for (const path of paths) {
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
        for (const body of method === 'GET' ? [undefined] : bodies) {
          const status = await fetch(`${replica.url}${path}`, {
            method,
            body,
            headers: body ? { 'content-type': 'application/json' } : {},
          }).then(
            (response) => response.status,
            () => 0,
          );
          const allowed = method === 'GET' && served.includes(path) ? [200] : [404, 405, 413];
          if (!allowed.includes(status)) answers.push(`${method} ${path} (${body?.length ?? 0} bytes) → ${status}`);
        }
      }
    }
    expect(answers).toEqual([]);
    expect(replica.child.exitCode).toBeNull();
    expect((await fetch(`${replica.url}/health/live`)).status).toBe(200);
  });
});
