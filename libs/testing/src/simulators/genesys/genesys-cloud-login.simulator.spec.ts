import { GenesysCloudSimulator } from './genesys-cloud.simulator';
import { answered, GenesysTestClient, inboundMessage } from './genesys-cloud.test-client';

const DE = { region: 'mypurecloud.de' as const, clientId: 'client-de', clientSecret: 'secret-de', integrations: ['integration-de'] };
const IE = { region: 'mypurecloud.ie' as const, clientId: 'client-ie', clientSecret: 'secret-ie', integrations: ['integration-ie'] };

describe('GenesysCloudSimulator login', () => {
  let now = Date.parse('2026-01-15T00:00:00Z');
  const genesys = new GenesysCloudSimulator({ clock: () => now });
  const de = new GenesysTestClient(genesys, 'mypurecloud.de');
  const ie = new GenesysTestClient(genesys, 'mypurecloud.ie');

  beforeAll(async () => {
    await genesys.start();
    genesys.addClient(DE);
    genesys.addClient(IE);
    genesys.addClient({ ...DE, clientId: 'short-lived', expiresInS: 300, integrations: ['integration-short'] });
  });
  afterAll(() => genesys.stop());

  it('issues a bearer token with the 24-hour default lifetime', async () => {
    const { status, body } = answered(await de.login(DE.clientId, DE.clientSecret));
    expect(status).toBe(200);
    expect(body).toEqual({ access_token: expect.stringMatching(/^[\w-]{40,}$/), token_type: 'bearer', expires_in: 86_400 });
  });

  it('issues a different token every time', async () => {
    expect(await de.token(DE.clientId, DE.clientSecret)).not.toBe(await de.token(DE.clientId, DE.clientSecret));
  });

  it("answers the client's configured expires_in", async () => {
    expect(answered(await de.login('short-lived', DE.clientSecret)).body.expires_in).toBe(300);
  });

  it.each([
    ['a wrong secret', DE.clientId, 'wrong'],
    ['an unknown client', 'nobody', DE.clientSecret],
    ["another region's client", IE.clientId, IE.clientSecret],
  ])('refuses %s with 401 invalid_client, never echoing the secret', async (_name, clientId, secret) => {
    const { status, headers, body } = answered(await de.login(clientId, secret));
    expect(status).toBe(401);
    expect(body).toEqual({ error: 'invalid_client', error_description: 'Bad client credentials' });
    expect(headers.get('www-authenticate')).toBe('Basic realm="oauth"');
    expect(JSON.stringify(body)).not.toContain(secret);
  });

  it('refuses a request without Basic authentication', async () => {
    const response = await fetch(`${genesys.loginUrl('mypurecloud.de')}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=client_credentials&client_id=${DE.clientId}&client_secret=${DE.clientSecret}`,
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_client' });
  });

  it.each([
    ['no grant_type', 'scope=all', undefined, 'invalid_request'],
    ['a JSON body', JSON.stringify({ grant_type: 'client_credentials' }), 'application/json', 'invalid_request'],
    ['the password grant', 'grant_type=password', undefined, 'unsupported_grant_type'],
    ['the authorization code grant', 'grant_type=authorization_code&code=x', undefined, 'unsupported_grant_type'],
  ])('answers 400 to %s', async (_name, body, contentType, error) => {
    const answer = answered(await de.login(DE.clientId, DE.clientSecret, { body, contentType }));
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ error, error_description: expect.any(String) });
  });

  it('counts token requests per client and region, accepted or not, and tokens issued', async () => {
    const requestsBefore = genesys.tokenRequestsFor(IE.clientId, 'mypurecloud.ie');
    const issuedBefore = genesys.tokensIssuedTo(IE.clientId);
    await ie.login(IE.clientId, IE.clientSecret);
    await ie.login(IE.clientId, 'wrong');
    expect(genesys.tokenRequestsFor(IE.clientId, 'mypurecloud.ie') - requestsBefore).toBe(2);
    expect(genesys.tokensIssuedTo(IE.clientId) - issuedBefore).toBe(1);
  });

  it('never records the client secret', async () => {
    await de.login(DE.clientId, DE.clientSecret, { body: `grant_type=client_credentials&client_secret=${DE.clientSecret}` });
    const recorded = genesys.requests[genesys.requests.length - 1];
    expect(recorded.body).toEqual({ grant_type: 'client_credentials' });
    expect(recorded.headers.authorization).toBe('Basic [redacted]');
  });

  describe('tokens on the API', () => {
    it('accepts a token until it expires, then answers 401', async () => {
      const shortLived = await de.token('short-lived', DE.clientSecret);
      expect(answered(await de.postMessage(shortLived, 'integration-short', inboundMessage())).status).toBe(200);
      now += 299_999;
      expect(answered(await de.postMessage(shortLived, 'integration-short', inboundMessage())).status).toBe(200);
      now += 1;
      const expired = answered(await de.postMessage(shortLived, 'integration-short', inboundMessage()));
      expect(expired.status).toBe(401);
      expect(expired.body).toMatchObject({ code: 'bad.credentials', status: 401, details: [], errors: [] });
    });

    it('refuses a token on demand after expireTokens()', async () => {
      const token = await de.token(DE.clientId, DE.clientSecret);
      const other = await ie.token(IE.clientId, IE.clientSecret);
      genesys.expireTokens({ clientId: DE.clientId });
      expect(answered(await de.postMessage(token, 'integration-de', inboundMessage())).status).toBe(401);
      expect(answered(await ie.postMessage(other, 'integration-ie', inboundMessage())).status).toBe(200);
      genesys.expireTokens();
      expect(answered(await ie.postMessage(other, 'integration-ie', inboundMessage())).status).toBe(401);
    });

    it('refuses a revoked token', async () => {
      const token = await de.token(DE.clientId, DE.clientSecret);
      genesys.revokeToken(token);
      expect(answered(await de.postMessage(token, 'integration-de', inboundMessage())).status).toBe(401);
    });

    it("refuses a token in another region's API", async () => {
      const token = await ie.token(IE.clientId, IE.clientSecret);
      const before = genesys.messagesFor('integration-ie').length;
      expect(answered(await de.postMessage(token, 'integration-ie', inboundMessage())).status).toBe(401);
      expect(genesys.messagesFor('integration-ie')).toHaveLength(before);
    });

    it('answers 401 authentication.required without a token', async () => {
      const answer = answered(await de.postMessage(undefined, 'integration-de', inboundMessage()));
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({ code: 'authentication.required', status: 401 });
      expect(answer.body.contextId).toBe(answer.headers.get('inin-correlation-id'));
    });
  });

  it('resets the connection for a region that is not a Genesys environment', async () => {
    const response = await fetch(`${genesys.url}/login/apse2.pure.cloud/oauth/token`, { method: 'POST' }).catch(() => 'reset');
    expect(response).toBe('reset');
  });

  it('answers 404 to a path it cannot decode', async () => {
    const response = await fetch(`${genesys.apiUrl('mypurecloud.de')}/api/v2/conversations/messages/%E0%A4%A/details`);
    expect(response.status).toBe(404);
  });

  it('serves URL templates with a {region} placeholder', () => {
    expect(genesys.loginUrlTemplate.replace('{region}', 'mypurecloud.de')).toBe(genesys.loginUrl('mypurecloud.de'));
    expect(genesys.apiUrlTemplate.replace('{region}', 'mypurecloud.de')).toBe(genesys.apiUrl('mypurecloud.de'));
  });
});
