import { GenesysCloudSimulator } from './genesys-cloud.simulator';
import { answered, GenesysTestClient, inboundMessage } from './genesys-cloud.test-client';

const DE = { region: 'mypurecloud.de' as const, clientId: 'de', clientSecret: 'de-secret', integrations: ['de-1', 'de-2'] };
const JP = { region: 'mypurecloud.jp' as const, clientId: 'jp', clientSecret: 'jp-secret', integrations: ['jp-1'] };
const CLIENT_TIMEOUT_MS = 200;

describe('GenesysCloudSimulator rate limit and faults', () => {
  let now = Date.parse('2026-01-15T00:00:00Z');
  const genesys = new GenesysCloudSimulator({ clock: () => now });
  const de = new GenesysTestClient(genesys, 'mypurecloud.de');
  const jp = new GenesysTestClient(genesys, 'mypurecloud.jp');

  beforeAll(async () => {
    await genesys.start();
    genesys.addClient(DE);
    genesys.addClient(JP);
    genesys.addClient({ ...DE, clientId: 'slow-lane', requestsPerMinute: 3, integrations: ['lane-1'] });
  });
  afterAll(() => genesys.stop());
  afterEach(() => genesys.faults.clear());

  describe('rate limit', () => {
    it('answers 429 with Retry-After and the normalized body once a token made its requests this minute', async () => {
      const token = await de.token('slow-lane', DE.clientSecret);
      const statuses = [];
      for (let i = 0; i < 3; i += 1) {
        statuses.push(answered(await de.postMessage(token, 'lane-1', inboundMessage())).status);
        now += 10_000;
      }
      const limited = answered(await de.postMessage(token, 'lane-1', inboundMessage()));
      expect(statuses).toEqual([200, 200, 200]);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('30');
      const correlation = limited.headers.get('inin-correlation-id');
      expect(limited.body).toEqual({
        message: 'Rate limit exceeded the maximum. Retry the request in [30] seconds',
        code: 'too.many.requests.retry.after',
        status: 429,
        contextId: correlation,
        details: [],
        errors: [],
      });
      expect(correlation).toMatch(/^[0-9a-f-]{36}$/);

      now += 29_999;
      expect(answered(await de.postMessage(token, 'lane-1', inboundMessage())).headers.get('retry-after')).toBe('1');
      now += 1;
      expect(answered(await de.postMessage(token, 'lane-1', inboundMessage())).status).toBe(200);
    });

    it('counts every endpoint against the token and each token apart', async () => {
      const token = await de.token('slow-lane', DE.clientSecret);
      const message = answered(await de.postMessage(token, 'lane-1', inboundMessage())).body;
      await de.details(token, message.id);
      await de.postMessage(token, 'lane-1', { not: 'valid' });
      expect(answered(await de.details(token, message.id)).status).toBe(429);
      const fresh = await de.token('slow-lane', DE.clientSecret);
      expect(answered(await de.details(fresh, message.id)).status).toBe(200);
    });

    it('defaults to 300 requests a minute', async () => {
      const token = await de.token(DE.clientId, DE.clientSecret);
      const statuses = [];
      for (let i = 0; i < 301; i += 1) statuses.push(answered(await de.details(token, 'f'.repeat(32))).status);
      expect(statuses.filter((status) => status === 404)).toHaveLength(300);
      expect(statuses[300]).toBe(429);
    });
  });

  describe('faults', () => {
    it('serves a fault only after the token check: a wrong token is still 401 and leaves the fault', async () => {
      genesys.faults.inject({ kind: 'error', error: 503 }, { match: { integrationId: 'de-1' } });
      expect(answered(await de.postMessage('not-a-token', 'de-1', inboundMessage())).status).toBe(401);
      expect(genesys.faults.scriptedLeft).toBe(1);
      const token = await de.token(DE.clientId, DE.clientSecret);
      const { status, body, headers } = answered(await de.postMessage(token, 'de-1', inboundMessage()));
      expect(status).toBe(503);
      expect(body).toEqual({ ...body, code: 'service.unavailable', status: 503, contextId: headers.get('inin-correlation-id') });
      expect(genesys.requests.at(-1)).toMatchObject({ status: 503, fault: { source: 'scripted' } });
      expect(genesys.messagesFor('de-1')).toHaveLength(0);
    });

    it('serves a fault only after the request checks: an invalid body is still 400, an unknown integration 404', async () => {
      const token = await de.token(DE.clientId, DE.clientSecret);
      genesys.faults.inject({ kind: 'error', error: 500 }, { match: { region: 'mypurecloud.de', endpoint: 'message' } });
      expect(answered(await de.postMessage(token, 'de-1', { ...inboundMessage(), type: 'Text' })).status).toBe(400);
      expect(answered(await de.postMessage(token, 'jp-1', inboundMessage())).status).toBe(404);
      expect(genesys.faults.scriptedLeft).toBe(1);
      expect(answered(await de.postMessage(token, 'de-1', inboundMessage())).status).toBe(500);
    });

    it('fails one region and leaves the others alone', async () => {
      const [deToken, jpToken] = [await de.token(DE.clientId, DE.clientSecret), await jp.token(JP.clientId, JP.clientSecret)];
      genesys.faults.inject({ kind: 'error', error: 502 }, { match: { region: 'mypurecloud.de' }, times: Infinity });
      expect(answered(await jp.postMessage(jpToken, 'jp-1', inboundMessage())).status).toBe(200);
      expect(answered(await de.postMessage(deToken, 'de-2', inboundMessage())).status).toBe(502);
      // A region's outage includes its login.
      expect(answered(await de.login(DE.clientId, DE.clientSecret)).status).toBe(502);
    });

    it('fails one integration and leaves the others alone', async () => {
      const token = await de.token(DE.clientId, DE.clientSecret);
      genesys.faults.inject({ kind: 'error', error: 504 }, { match: { integrationId: 'de-2' }, times: Infinity });
      expect(answered(await de.postMessage(token, 'de-1', inboundMessage())).status).toBe(200);
      expect(answered(await de.postMessage(token, 'de-2', inboundMessage())).status).toBe(504);
    });

    it('fails the token endpoint after the client check', async () => {
      genesys.faults.inject({ kind: 'error', error: 503 }, { match: { endpoint: 'token' } });
      expect(answered(await de.login(DE.clientId, 'wrong')).status).toBe(401);
      const before = genesys.tokensIssuedTo(DE.clientId);
      expect(answered(await de.login(DE.clientId, DE.clientSecret)).status).toBe(503);
      expect(genesys.tokensIssuedTo(DE.clientId)).toBe(before);
    });

    it('leaves a timed-out request unanswered and unprocessed', async () => {
      const token = await de.token(DE.clientId, DE.clientSecret);
      const before = genesys.messagesFor('de-1').length;
      genesys.faults.inject({ kind: 'timeout' }, { match: { integrationId: 'de-1' } });
      expect(await de.postMessage(token, 'de-1', inboundMessage(), '', CLIENT_TIMEOUT_MS)).toBe('timed out');
      expect(genesys.messagesFor('de-1')).toHaveLength(before);
      expect(genesys.requests.at(-1)).toMatchObject({ status: 0, fault: { fault: { kind: 'timeout' } } });
    });

    it('resets the connection without processing', async () => {
      const token = await de.token(DE.clientId, DE.clientSecret);
      const before = genesys.messagesFor('de-1').length;
      genesys.faults.inject({ kind: 'reset' }, { match: { integrationId: 'de-1' } });
      expect(await de.postMessage(token, 'de-1', inboundMessage())).toBe('reset');
      expect(genesys.messagesFor('de-1')).toHaveLength(before);
    });

    it('processes a late-answered message although the client gave up: a retry would duplicate it', async () => {
      const token = await de.token(DE.clientId, DE.clientSecret);
      const before = genesys.messagesFor('de-1').length;
      genesys.faults.inject({ kind: 'late', afterMs: 30_000 }, { match: { integrationId: 'de-1' } });
      expect(await de.postMessage(token, 'de-1', inboundMessage(), '', CLIENT_TIMEOUT_MS)).toBe('timed out');
      expect(genesys.messagesFor('de-1')).toHaveLength(before + 1);
      expect(genesys.requests.at(-1)).toMatchObject({ status: 200, fault: { fault: { kind: 'late' } } });
    });

    it('answers normally after injected latency', async () => {
      const token = await de.token(DE.clientId, DE.clientSecret);
      genesys.faults.inject({ kind: 'latency', ms: 20 }, { match: { integrationId: 'de-1' } });
      expect(answered(await de.postMessage(token, 'de-1', inboundMessage())).status).toBe(200);
      expect(genesys.requests.at(-1)).toMatchObject({ status: 200, fault: { fault: { kind: 'latency', ms: 20 } } });
    });

    it('draws random 5xx faults from a seeded sequence for one integration only', async () => {
      const token = await de.token(DE.clientId, DE.clientSecret);
      genesys.faults.injectRandom({
        seed: 5,
        match: { integrationId: 'de-2' },
        shares: [
          { label: 'server-error', rate: 0.5, fault: ([500, 502, 503, 504] as const).map((error) => ({ kind: 'error' as const, error })) },
        ],
      });
      const statuses = [];
      for (let i = 0; i < 40; i += 1) statuses.push(answered(await de.postMessage(token, `de-${1 + (i % 2)}`, inboundMessage())).status);
      const de1 = statuses.filter((_, i) => i % 2 === 0);
      const de2 = statuses.filter((_, i) => i % 2 === 1);
      expect(de1.every((status) => status === 200)).toBe(true);
      expect(de2.filter((status) => status >= 500).length).toBeGreaterThan(4);
      expect(de2.filter((status) => status === 200).length).toBeGreaterThan(4);
    });
  });
});
