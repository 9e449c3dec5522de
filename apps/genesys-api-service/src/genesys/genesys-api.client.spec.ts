import { INestApplicationContext } from '@nestjs/common';
import { VerifiedTenants } from '@lib/observability';
import { DeliveryError, DeliveryErrorCategory } from '@lib/resilience';
import { GenesysCloudSimulator, GenesysRecordedRequest, SimulatedGenesysClient } from '@lib/testing';
import { VendorTransportError } from '@lib/vendor-http';
import { register } from 'prom-client';
import { detailsConversationIdOf, openMessageIdsOf } from './genesys-answer.readers';
import { GenesysApiClient, GenesysApiResponse } from './genesys-api.client';
import { GenesysErrorClassifier } from './genesys-error.classifier';
import { GenesysCategory } from './genesys-error-categories';
import { GenesysLoginClient } from './genesys-login.client';
import { GenesysRegion } from '@lib/contracts';
import { startGenesysModule } from './mocks/genesys-test-module';
import { OpenInboundNormalizedMessage } from './types/open-messaging.types';

const IE = { region: 'mypurecloud.ie' as const, clientId: 'ie-client', clientSecret: 'ie-secret-0123456789', integrations: ['ie-int'] };
const DE = { region: 'mypurecloud.de' as const, clientId: 'de-client', clientSecret: 'de-secret-0123456789', integrations: ['de-int'] };

const message = (customer = '919876543210'): OpenInboundNormalizedMessage => ({
  channel: {
    messageId: `wamid.${customer}`,
    from: { id: customer, idType: 'Phone', nickname: 'Jo' },
    time: '2026-01-15T03:33:20.000Z',
    metadata: { customAttributes: { waBusinessNumber: '15550001111' } },
  },
  text: 'Hello',
  content: [{ attachment: { mediaType: 'Image', url: 'https://media.example.com/a.jpg', mime: 'image/jpeg', filename: 'a.jpg' } }],
});

describe(GenesysApiClient.name, () => {
  let now = Date.parse('2026-01-15T00:00:00Z');
  const genesys = new GenesysCloudSimulator({ clock: () => now });
  let app: INestApplicationContext;
  let api: GenesysApiClient;
  let classifier: GenesysErrorClassifier;

  /** A token from the simulator's login, through the service's own login client. */
  async function tokenOf(client: SimulatedGenesysClient, tenantId = 'acme'): Promise<string> {
    const login = app.get(GenesysLoginClient);
    const { region, clientId, clientSecret } = client;
    return (await login.fetchToken({ tenantId, region, clientId, clientSecret }, new AbortController().signal)).accessToken;
  }

  const lastRequest = (): GenesysRecordedRequest => genesys.requests.at(-1)!;

  beforeAll(async () => {
    await genesys.start();
    genesys.addClient(IE);
    genesys.addClient(DE);
    genesys.addClient({ ...IE, clientId: 'ie-one-a-minute', requestsPerMinute: 1, integrations: ['ie-slow'] });
  });

  beforeEach(async () => {
    app = await startGenesysModule(
      { apiUrlTemplate: genesys.apiUrlTemplate, loginUrlTemplate: genesys.loginUrlTemplate },
      { timeoutMs: 1_000 },
    );
    api = app.get(GenesysApiClient);
    classifier = app.get(GenesysErrorClassifier);
  });

  afterEach(async () => {
    await app.close();
    genesys.faults.clear();
    genesys.detailsLagLookups = 0;
    now += 120_000;
    register.clear();
  });

  afterAll(() => genesys.stop());

  describe('sendInboundMessage', () => {
    it('posts the body as given to the integration, asking for the conversation id, with the bearer token', async () => {
      const accessToken = await tokenOf(IE);
      const body = message();

      const response = await api.sendInboundMessage({ tenantId: 'acme', region: IE.region, integrationId: 'ie-int', accessToken, body });

      const sent = lastRequest();
      expect(sent).toMatchObject({ endpoint: 'message', method: 'POST', region: IE.region, integrationId: 'ie-int', status: 200 });
      expect(sent.path).toBe(`/api/${IE.region}/api/v2/conversations/messages/ie-int/inbound/open/message`);
      expect(Object.fromEntries(sent.query)).toEqual({ prefetchConversationId: 'true' });
      expect(sent.headers).toMatchObject({
        authorization: `Bearer ${accessToken}`,
        'content-type': 'application/json',
        accept: 'application/json',
        'user-agent': 'genesys-api-service/0.0.0-spec',
      });
      expect(sent.body).toEqual(body);
      expect(response.status).toBe(200);
      expect(response.contextId).toBe(sent.correlationId);
      expect(response.headers['inin-correlation-id']).toBe(sent.correlationId);
    });

    it('returns the message id and, apart from it, the conversation the message landed in', async () => {
      const response = await api.sendInboundMessage({
        tenantId: 'acme',
        region: IE.region,
        integrationId: 'ie-int',
        accessToken: await tokenOf(IE),
        body: message('4915100000001'),
      });

      const { messageId, conversationId } = lastRequest();
      expect(openMessageIdsOf(response.body)).toEqual({ messageId, conversationId });
      expect(conversationId).toBe(genesys.conversationOf('ie-int', '4915100000001'));
      expect(conversationId).not.toBe(messageId);
    });

    it('keeps each id in its own path segment', async () => {
      const accessToken = await tokenOf(IE);

      const response = await api.sendInboundMessage({
        tenantId: 'acme',
        region: IE.region,
        integrationId: 'ie-int/../x?y',
        accessToken,
        body: message(),
      });

      expect(lastRequest().path).toBe(`/api/${IE.region}/api/v2/conversations/messages/ie-int%2F..%2Fx%3Fy/inbound/open/message`);
      expect(response.status).toBe(404);
    });

    it('sends nothing for a region that is not a Genesys environment', async () => {
      const before = genesys.requests.length;

      const call = api.sendInboundMessage({
        tenantId: 'acme',
        region: 'evil.example' as GenesysRegion,
        integrationId: 'ie-int',
        accessToken: 'tok',
        body: message(),
      });

      await expect(call).rejects.toBeInstanceOf(DeliveryError);
      await expect(call).rejects.toMatchObject({ category: DeliveryErrorCategory.ACCOUNT_ERROR });
      expect(genesys.requests).toHaveLength(before);
    });
  });

  describe('sendReceipt', () => {
    it("posts a Delivered receipt of an agent's message and takes Genesys's 202", async () => {
      const agentMessage = genesys.sendAgentMessage({
        integrationId: 'ie-int',
        to: { id: '919876543210', idType: 'Phone' },
        text: 'Hi, how can I help?',
      });
      const body = {
        id: agentMessage.id,
        channel: { to: { id: '919876543210', idType: 'Phone' as const }, time: '2026-01-15T03:34:00.000Z' },
        status: 'Delivered' as const,
        isFinalReceipt: true,
      };

      const response = await api.sendReceipt({
        tenantId: 'acme',
        region: IE.region,
        integrationId: 'ie-int',
        accessToken: await tokenOf(IE),
        body,
      });

      expect(response.status).toBe(202);
      expect(lastRequest().path).toBe(`/api/${IE.region}/api/v2/conversations/messages/ie-int/inbound/open/receipt`);
      expect(lastRequest().query.size).toBe(0);
      expect(genesys.receiptsFor(agentMessage.id)).toEqual([body]);
    });
  });

  describe('messageDetails', () => {
    it('finds the conversation of a message whose details lag: 404 (retry), then 200', async () => {
      const accessToken = await tokenOf(IE);
      await api.sendInboundMessage({
        tenantId: 'acme',
        region: IE.region,
        integrationId: 'ie-int',
        accessToken,
        body: message('4915100000002'),
      });
      const { messageId, conversationId } = lastRequest();
      genesys.detailsLagLookups = 2;

      const answers: GenesysApiResponse[] = [];
      for (let i = 0; i < 3; i += 1)
        answers.push(await api.messageDetails({ tenantId: 'acme', region: IE.region, messageId: messageId!, accessToken }));

      expect(answers.map((answer) => answer.status)).toEqual([404, 404, 200]);
      expect(lastRequest()).toMatchObject({ method: 'GET', path: `/api/${IE.region}/api/v2/conversations/messages/${messageId}/details` });
      expect(classifier.classifyResponse(answers[0], 'details').category).toBe(DeliveryErrorCategory.TRANSIENT);
      expect(detailsConversationIdOf(answers[2].body)).toBe(conversationId);
    });
  });

  describe('failures', () => {
    it("answers 429 with Retry-After and Genesys's error body once the token spent its minute: the tenant pauses", async () => {
      const slow = { ...IE, clientId: 'ie-one-a-minute', integrations: ['ie-slow'] };
      const accessToken = await tokenOf(slow);
      const call = { tenantId: 'acme', region: IE.region, integrationId: 'ie-slow', accessToken, body: message() };

      expect((await api.sendInboundMessage(call)).status).toBe(200);
      const limited = await api.sendInboundMessage(call);

      expect(limited.status).toBe(429);
      expect(limited.headers['retry-after']).toBe('60');
      expect(limited.body).toMatchObject({ code: 'too.many.requests.retry.after', status: 429, contextId: limited.contextId });
      const error = classifier.classifyResponse(limited, 'message', now);
      expect(error.category).toBe(GenesysCategory.RATE_LIMITED_PAUSE);
      expect(error.details).toMatchObject({
        minRetryDelayMs: 60_000,
        code: 'too.many.requests.retry.after',
        httpStatus: 429,
        traceId: limited.contextId,
      });
    });

    it('answers 401 once the token expired: the pipeline refreshes it', async () => {
      const accessToken = await tokenOf(IE);
      genesys.expireTokens({ region: IE.region });

      const response = await api.sendInboundMessage({
        tenantId: 'acme',
        region: IE.region,
        integrationId: 'ie-int',
        accessToken,
        body: message(),
      });

      expect(response.status).toBe(401);
      expect(classifier.classifyResponse(response, 'message').category).toBe(DeliveryErrorCategory.AUTH);
    });

    it('throws a VendorTransportError when Genesys does not answer in time', async () => {
      const accessToken = await tokenOf(IE);
      genesys.faults.inject({ kind: 'timeout' }, { match: { region: IE.region, endpoint: 'message' } });

      const call = api.sendInboundMessage({ tenantId: 'acme', region: IE.region, integrationId: 'ie-int', accessToken, body: message() });

      await expect(call).rejects.toBeInstanceOf(VendorTransportError);
      await expect(call).rejects.toMatchObject({ timedOut: true, reason: 'ETIMEDOUT' });
    });
  });

  describe('regions', () => {
    it("sends each tenant's calls to its own region, where only that region's tokens count", async () => {
      const ieToken = await tokenOf(IE, 'acme');
      const deToken = await tokenOf(DE, 'globex');

      await api.sendInboundMessage({ tenantId: 'acme', region: IE.region, integrationId: 'ie-int', accessToken: ieToken, body: message() });
      const ieCall = lastRequest();
      await api.sendInboundMessage({
        tenantId: 'globex',
        region: DE.region,
        integrationId: 'de-int',
        accessToken: deToken,
        body: message(),
      });
      const deCall = lastRequest();
      const crossed = await api.sendInboundMessage({
        tenantId: 'acme',
        region: DE.region,
        integrationId: 'de-int',
        accessToken: ieToken,
        body: message(),
      });

      expect(ieCall).toMatchObject({ region: IE.region, integrationId: 'ie-int', status: 200 });
      expect(deCall).toMatchObject({ region: DE.region, integrationId: 'de-int', status: 200 });
      expect(crossed.status).toBe(401);
    });

    it('counts calls by tenant, status code and region, under the names dashboards read', async () => {
      app.get(VerifiedTenants).confirm('acme');
      const accessToken = await tokenOf(IE);

      await api.sendInboundMessage({ tenantId: 'acme', region: IE.region, integrationId: 'ie-int', accessToken, body: message() });
      const requests = await register.getSingleMetric('genesys_api_service_genesys_api_requests_total')!.get();
      const duration = await register.getSingleMetric('genesys_api_service_genesys_api_request_duration_seconds')!.get();

      expect(requests.values).toEqual([
        expect.objectContaining({ labels: { tenant: 'acme', status_code: '200', region: IE.region }, value: 1 }),
      ]);
      expect(duration.values).toContainEqual(
        expect.objectContaining({ metricName: expect.stringMatching(/_count$/), labels: { tenant: 'acme', region: IE.region }, value: 1 }),
      );
    });
  });
});
