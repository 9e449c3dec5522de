import { INestApplicationContext } from '@nestjs/common';
import { GenesysCloudSimulator, GenesysServerError, SimulatedGenesysClient } from '@lib/testing';
import { register } from 'prom-client';
import { GenesysApiClient, GenesysApiResponse } from '../genesys-api.client';
import { GenesysLoginClient } from '../genesys-login.client';
import { GENESYS_ERROR_ANSWERS, GenesysErrorAnswerKey } from './genesys-error-answers';
import { startGenesysModule } from './genesys-test-module';

const IE: SimulatedGenesysClient = {
  region: 'mypurecloud.ie',
  clientId: 'ie-client',
  clientSecret: 'ie-secret-0123456789',
  integrations: ['ie-int'],
};
const ONE_A_MINUTE: SimulatedGenesysClient = { ...IE, clientId: 'ie-one-a-minute', requestsPerMinute: 1, integrations: ['ie-slow'] };
const VIEW_ONLY: SimulatedGenesysClient = {
  ...IE,
  clientId: 'ie-view-only',
  permissions: ['conversation:message:view'],
  integrations: ['ie-view'],
};

const body = (withText = true) => ({
  channel: { messageId: 'wamid.1', from: { id: '919876543210', idType: 'Phone' as const }, time: '2026-01-15T03:33:20.000Z' },
  ...(withText ? { text: 'Hello' } : {}),
});

/** The recorded answers the classifier spec reads are still what the simulator answers the service's own clients. */
describe('GENESYS_ERROR_ANSWERS', () => {
  const now = Date.parse('2026-01-15T00:00:00Z');
  const genesys = new GenesysCloudSimulator({ clock: () => now });
  let app: INestApplicationContext;
  let api: GenesysApiClient;

  async function callAs(client: SimulatedGenesysClient, integrationId: string, withText = true) {
    const { region, clientId, clientSecret } = client;
    const token = await app
      .get(GenesysLoginClient)
      .fetchToken({ tenantId: 'acme', region, clientId, clientSecret }, new AbortController().signal);
    return { tenantId: 'acme', region, integrationId, accessToken: token.accessToken, body: body(withText) };
  }

  const serverError = (status: GenesysServerError) => async () => {
    genesys.faults.inject({ kind: 'error', error: status }, { match: { endpoint: 'message' } });
    return api.sendInboundMessage(await callAs(IE, 'ie-int'));
  };

  const provoke: Record<GenesysErrorAnswerKey, () => Promise<GenesysApiResponse>> = {
    rateLimited: async () => {
      const call = await callAs(ONE_A_MINUTE, 'ie-slow');
      await api.sendInboundMessage(call);
      return api.sendInboundMessage(call);
    },
    expiredToken: async () => {
      const call = await callAs(IE, 'ie-int');
      genesys.expireTokens({ clientId: IE.clientId });
      return api.sendInboundMessage(call);
    },
    missingPermission: async () => api.sendInboundMessage(await callAs(VIEW_ONLY, 'ie-view')),
    integrationNotFound: async () => api.sendInboundMessage(await callAs(IE, 'no-such-integration')),
    messageNotFound: async () => {
      const { accessToken } = await callAs(IE, 'ie-int');
      return api.messageDetails({ tenantId: 'acme', region: 'mypurecloud.ie', messageId: 'f'.repeat(32), accessToken });
    },
    neitherTextNorContent: async () => api.sendInboundMessage(await callAs(IE, 'ie-int', false)),
    internalServerError: serverError(500),
    badGateway: serverError(502),
    serviceUnavailable: serverError(503),
    gatewayTimeout: serverError(504),
  };

  beforeAll(async () => {
    await genesys.start();
    for (const client of [IE, ONE_A_MINUTE, VIEW_ONLY]) genesys.addClient(client);
    app = await startGenesysModule({ apiUrlTemplate: genesys.apiUrlTemplate, loginUrlTemplate: genesys.loginUrlTemplate });
    api = app.get(GenesysApiClient);
  });

  afterEach(() => genesys.faults.clear());

  afterAll(async () => {
    await app.close();
    await genesys.stop();
    register.clear();
  });

  it.each(Object.keys(GENESYS_ERROR_ANSWERS) as GenesysErrorAnswerKey[])('%s is what the simulator answers', async (key) => {
    const recorded = GENESYS_ERROR_ANSWERS[key];

    const answer = await provoke[key]();

    expect(answer.status).toBe(recorded.status);
    expect(answer.body).toEqual({ ...(recorded.body as object), contextId: answer.contextId });
    for (const [name, value] of Object.entries(recorded.headers)) {
      expect(answer.headers[name]).toBe(name === 'inin-correlation-id' ? answer.contextId : value);
    }
  });
});
