import { INestApplicationContext } from '@nestjs/common';
import { AccessTokenCache, ClientCredentialsRefusedError, tenantRegionKey, TokenEndpointUnavailableError } from '@lib/credentials';
import { MetricFactory, VerifiedTenants } from '@lib/observability';
import { GenesysCloudSimulator } from '@lib/testing';
import { createServer, IncomingMessage, OutgoingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { register } from 'prom-client';
import { GenesysLogin, GenesysLoginClient } from './genesys-login.client';
import { GenesysRegion } from '@lib/contracts';
import { startGenesysModule } from './mocks/genesys-test-module';

const IE = {
  region: 'mypurecloud.ie' as const,
  clientId: 'ie-client',
  clientSecret: 'ie-SECRET-do-not-leak',
  integrations: ['ie-int'],
  expiresInS: 600,
};
const login = (overrides: Partial<GenesysLogin> = {}): GenesysLogin => ({
  tenantId: 'acme',
  region: IE.region,
  clientId: IE.clientId,
  clientSecret: IE.clientSecret,
  ...overrides,
});
const signal = () => new AbortController().signal;

/** What a call threw, to look at it whole. */
async function failureOf(call: Promise<unknown>): Promise<Error> {
  const outcome = await call.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(Error);
  return outcome as Error;
}

describe(GenesysLoginClient.name, () => {
  describe('against the Genesys simulator', () => {
    const genesys = new GenesysCloudSimulator();
    let app: INestApplicationContext;
    let client: GenesysLoginClient;

    beforeAll(async () => {
      await genesys.start();
      genesys.addClient(IE);
    });

    beforeEach(async () => {
      app = await startGenesysModule(
        { apiUrlTemplate: genesys.apiUrlTemplate, loginUrlTemplate: genesys.loginUrlTemplate },
        { timeoutMs: 1_000 },
      );
      client = app.get(GenesysLoginClient);
    });

    afterEach(async () => {
      await app.close();
      genesys.faults.clear();
      register.clear();
    });

    afterAll(() => genesys.stop());

    it("gets a token and its lifetime from the region's login with a client-credentials form", async () => {
      const token = await client.fetchToken(login(), signal());

      const request = genesys.requests.at(-1)!;
      expect(request).toMatchObject({ endpoint: 'token', method: 'POST', region: IE.region, clientId: IE.clientId, status: 200 });
      expect(request.path).toBe(`/login/${IE.region}/oauth/token`);
      expect(request.body).toEqual({ grant_type: 'client_credentials' });
      expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(token).toEqual({ accessToken: expect.stringMatching(/^\S{20,}$/), expiresInS: 600 });
    });

    it('maps a wrong secret (401 invalid_client) to refused credentials, a configuration error of the tenant', async () => {
      const refused = await failureOf(client.fetchToken(login({ clientSecret: 'rotated-away' }), signal()));

      expect(refused).toBeInstanceOf(ClientCredentialsRefusedError);
      expect(refused).toMatchObject({ details: { httpStatus: 401, code: 'invalid_client' } });
      expect(refused.message).toBe(`Genesys login refused the client credentials of ${tenantRegionKey(login())} (HTTP 401 invalid_client)`);
    });

    it("is refused in another region: a client belongs to its organization's region", async () => {
      const refused = await failureOf(client.fetchToken(login({ region: 'mypurecloud.de' }), signal()));

      expect(refused).toBeInstanceOf(ClientCredentialsRefusedError);
      expect(genesys.requests.at(-1)).toMatchObject({ region: 'mypurecloud.de', status: 401 });
    });

    it('maps a login outage (503) to an unavailable token endpoint', async () => {
      genesys.faults.inject({ kind: 'error', error: 503 }, { match: { region: IE.region, endpoint: 'token' } });

      const failure = await failureOf(client.fetchToken(login(), signal()));

      expect(failure).toBeInstanceOf(TokenEndpointUnavailableError);
      expect(failure).toMatchObject({ details: { httpStatus: 503 } });
    });

    it('maps a login that does not answer in time to an unavailable token endpoint', async () => {
      genesys.faults.inject({ kind: 'timeout' }, { match: { region: IE.region, endpoint: 'token' } });

      const failure = await failureOf(client.fetchToken(login(), signal()));

      expect(failure).toBeInstanceOf(TokenEndpointUnavailableError);
      expect(failure.message).toBe(`Genesys login for ${tenantRegionKey(login())} got no answer (ETIMEDOUT)`);
    });

    it("stops when the token cache gives up on it (the cache's own timeout)", async () => {
      genesys.faults.inject({ kind: 'timeout' }, { match: { region: IE.region, endpoint: 'token' } });
      const abort = new AbortController();

      const fetching = client.fetchToken(login(), abort.signal);
      abort.abort();

      await expect(fetching).rejects.toThrow(`Genesys login for ${tenantRegionKey(login())} got no answer (ABORTED)`);
    });

    it("is the fetch of the lib's token cache: one login however many messages miss at once", async () => {
      const tokens = new AccessTokenCache<GenesysLogin>(
        { name: 'genesys', fetchToken: (key, abort) => client.fetchToken(key, abort), keyOf: tenantRegionKey },
        app.get(MetricFactory),
      );
      const before = genesys.tokenRequestsFor(IE.clientId, IE.region);

      const got = await Promise.all(Array.from({ length: 5 }, () => tokens.get(login())));

      expect(new Set(got).size).toBe(1);
      expect(genesys.tokenRequestsFor(IE.clientId, IE.region) - before).toBe(1);
    });
  });

  describe('what it sends and how it reads answers', () => {
    let server: Server;
    let received: Array<{ method?: string; url?: string; headers: IncomingMessage['headers']; body: string }>;
    let answer: { status: number; headers?: OutgoingHttpHeaders; body: string };
    let app: INestApplicationContext;
    let client: GenesysLoginClient;

    beforeEach(async () => {
      received = [];
      answer = { status: 200, body: JSON.stringify({ access_token: 'tok-1', token_type: 'bearer', expires_in: 86400 }) };
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString()));
        req.on('end', () => {
          received.push({ method: req.method, url: req.url, headers: req.headers, body });
          res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers }).end(answer.body);
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      app = await startGenesysModule({ apiUrlTemplate: `${origin}/api/{region}`, loginUrlTemplate: `${origin}/login/{region}` });
      client = app.get(GenesysLoginClient);
    });

    afterEach(async () => {
      await app.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      register.clear();
    });

    it('sends the client id and secret only in the Basic header, and the grant as a form', async () => {
      await client.fetchToken(login(), signal());

      const [request] = received;
      expect(request.method).toBe('POST');
      expect(request.url).toBe(`/login/${IE.region}/oauth/token`);
      expect(request.headers).toMatchObject({
        authorization: `Basic ${Buffer.from(`${IE.clientId}:${IE.clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        'user-agent': 'genesys-api-service/0.0.0-spec',
      });
      expect(request.body).toBe('grant_type=client_credentials');
      expect(`${request.url} ${request.body}`).not.toContain(IE.clientSecret);
    });

    it('sends nothing for a region that is not a Genesys environment: the secret goes to no other host', async () => {
      const refused = await failureOf(client.fetchToken(login({ region: 'login.evil.example' as GenesysRegion }), signal()));

      expect(refused).toBeInstanceOf(ClientCredentialsRefusedError);
      expect(received).toHaveLength(0);
    });

    it.each([
      ['400 invalid_grant', 400, { error: 'invalid_grant' }, 'invalid_grant'],
      ['400 unauthorized_client (no client-credentials grant)', 400, { error: 'unauthorized_client' }, 'unauthorized_client'],
      ['400 invalid_scope', 400, { error: 'invalid_scope' }, 'invalid_scope'],
      ['400 invalid_client', 400, { error: 'invalid_client' }, 'invalid_client'],
      ['400 unsupported_grant_type', 400, { error: 'unsupported_grant_type' }, 'unsupported_grant_type'],
      ['401 without a body', 401, '', undefined],
      ['403 with a free-text error, not echoed', 403, { error: `no; secret ${IE.clientSecret}` }, undefined],
      ['404 (no such login path)', 404, '', undefined],
    ])('refuses the credentials on %s', async (_case, status, body, code) => {
      answer = { status, body: typeof body === 'string' ? body : JSON.stringify(body) };

      const refused = await failureOf(client.fetchToken(login(), signal()));

      expect(refused).toBeInstanceOf(ClientCredentialsRefusedError);
      expect((refused as ClientCredentialsRefusedError).details).toEqual({ httpStatus: status, code });
      expect(JSON.stringify({ ...refused, text: refused.message })).not.toContain(IE.clientSecret);
    });

    it.each([
      ['429 with Retry-After', 429, { 'retry-after': '7' }, { httpStatus: 429, minRetryDelayMs: 7_000 }],
      ['408', 408, {}, { httpStatus: 408 }],
      ['500', 500, {}, { httpStatus: 500 }],
      ['503 with Retry-After', 503, { 'retry-after': '30' }, { httpStatus: 503, minRetryDelayMs: 30_000 }],
      ['a redirect, never followed', 302, { location: 'https://elsewhere.example/oauth/token' }, { httpStatus: 302 }],
    ])('leaves the endpoint unavailable on %s', async (_case, status, headers, details) => {
      answer = { status, headers, body: '<html>busy</html>' };

      const failure = await failureOf(client.fetchToken(login(), signal()));

      expect(failure).toBeInstanceOf(TokenEndpointUnavailableError);
      expect((failure as TokenEndpointUnavailableError).details).toMatchObject(details);
      expect(received).toHaveLength(1);
    });

    it.each([
      ['no access_token', { token_type: 'bearer', expires_in: 86400 }],
      ['no expires_in', { access_token: 'tok', token_type: 'bearer' }],
      ['not JSON', 'ok'],
    ])('leaves the endpoint unavailable on a 200 with %s', async (_case, body) => {
      answer = { status: 200, body: typeof body === 'string' ? body : JSON.stringify(body) };

      const failure = await failureOf(client.fetchToken(login(), signal()));

      expect(failure).toBeInstanceOf(TokenEndpointUnavailableError);
      expect(failure.message).toContain('without access_token and expires_in');
    });

    it('counts logins apart from API calls, by tenant, status code and region', async () => {
      app.get(VerifiedTenants).confirm('acme');

      await client.fetchToken(login(), signal());

      const logins = await register.getSingleMetric('genesys_api_service_genesys_login_requests_total')!.get();
      const apiCalls = await register.getSingleMetric('genesys_api_service_genesys_api_requests_total')!.get();
      expect(logins.values).toEqual([
        expect.objectContaining({ labels: { tenant: 'acme', status_code: '200', region: IE.region }, value: 1 }),
      ]);
      expect(apiCalls.values).toEqual([]);
    });
  });
});
