import { DEFAULT_REDACTED_KEYS, REDACTED, redactSecrets, secretRedactor } from './secret-redactor';

describe('redactSecrets', () => {
  it('replaces sensitive keys at any depth and in any case', () => {
    const deep = { a: { b: { c: { d: { e: { f: { accessToken: 'TOKEN-deep' } } } } } } };
    const redacted = redactSecrets({
      Token: 'TOKEN-0',
      headers: { AUTHORIZATION: 'Bearer TOKEN-1' },
      list: [{ password: 'TOKEN-2' }, 'plain'],
      deep,
    });
    expect(JSON.stringify(redacted)).not.toMatch(/TOKEN-/);
    expect(redacted).toMatchObject({ Token: REDACTED, headers: { AUTHORIZATION: REDACTED }, list: [{ password: REDACTED }, 'plain'] });
  });

  it('leaves the caller’s object alone and returns it as is when there is nothing to hide', () => {
    const clean = { event: 'message_sent', nested: { wamid: 'wamid.1' }, at: new Date(0) };
    expect(redactSecrets(clean)).toBe(clean);
    const secret = { nested: { secret: 's3cr3t' }, other: { x: 1 } };
    const redacted = redactSecrets(secret);
    expect(secret.nested.secret).toBe('s3cr3t');
    expect(redacted.other).toBe(secret.other);
  });

  it('reduces errors anywhere in the object to their safe fields, and walks class instances', () => {
    class Credentials {
      constructor(
        readonly phoneNumberId: string,
        readonly systemUserAccessToken: string,
      ) {}
    }
    const axiosLike = Object.assign(new Error('Request failed'), {
      code: 'ERR_BAD_RESPONSE',
      config: { headers: { Authorization: 'Bearer TOKEN-3' } },
    });
    const redacted = redactSecrets({ reason: axiosLike, credentials: new Credentials('1', 'TOKEN-4') });
    expect(JSON.stringify(redacted)).not.toMatch(/TOKEN-/);
    expect(redacted.reason).toMatchObject({ type: 'Error', message: 'Request failed', code: 'ERR_BAD_RESPONSE' });
  });

  it('covers the credentials of every vendor and HTTP header by default', () => {
    const keys = [
      'client_secret',
      'clientSecret',
      'refresh_token',
      'apiKey',
      'cookie',
      'set-cookie',
      'x-api-key',
      'proxy-authorization',
      'authorization',
      'systemUserAccessToken',
      'access_token',
    ];
    expect(DEFAULT_REDACTED_KEYS).toEqual(expect.arrayContaining(keys));
    const line = { request: { headers: Object.fromEntries(keys.map((key, i) => [key.toUpperCase(), `TOKEN-${i}`])) } };
    expect(JSON.stringify(redactSecrets(line))).not.toMatch(/TOKEN-/);
  });

  it("adds an app's own keys to the defaults, never in their place", () => {
    const redact = secretRedactor(['tenantSigningKey', 'X-Genesys-Secret']);
    const redacted = redact({
      tenantSigningKey: 'TOKEN-1',
      headers: { 'x-genesys-secret': 'TOKEN-2', cookie: 'sid=TOKEN-3' },
      note: 'kept',
    });
    expect(redacted).toEqual({ tenantSigningKey: REDACTED, headers: { 'x-genesys-secret': REDACTED, cookie: REDACTED }, note: 'kept' });
    expect(secretRedactor([])({ clientSecret: 'TOKEN-4' })).toEqual({ clientSecret: REDACTED });
    expect(redactSecrets({ tenantSigningKey: 'visible' })).toEqual({ tenantSigningKey: 'visible' });
  });

  it('hides Basic and Bearer credentials wherever a string carries them, under any key and in any case', () => {
    const basic = 'dXNlcjpzZWNyZXQ=';
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl-_x';
    const redacted = redactSecrets({
      credential: `Basic ${basic}`,
      upstream: { header: `bearer ${jwt}` },
      list: [`BEARER EAAG${basic}`],
      note: `token request refused; request had Authorization: Basic ${basic}, retrying`,
    });
    expect(JSON.stringify(redacted)).not.toContain(basic);
    expect(JSON.stringify(redacted)).not.toContain(jwt);
    expect(redacted).toEqual({
      credential: `Basic ${REDACTED}`,
      upstream: { header: `bearer ${REDACTED}` },
      list: [`BEARER ${REDACTED}`],
      note: `token request refused; request had Authorization: Basic ${REDACTED}, retrying`,
    });
  });

  it('hides credentials in the message and stack of an error', () => {
    const error = new Error('POST https://login.example.com/oauth/token failed; Authorization: Basic dXNlcjpzZWNyZXQ=');
    const redacted = redactSecrets({ err: error }) as unknown as { err: { message: string; stack: string } };
    expect(redacted.err.message).toBe(`POST https://login.example.com/oauth/token failed; Authorization: Basic ${REDACTED}`);
    expect(redacted.err.stack).not.toContain('dXNlcjpzZWNyZXQ=');
    expect(redacted.err.stack).toContain('failed; Authorization: Basic');
  });

  it('hides the password of a URL, and sensitive keys of query strings, form bodies and JSON text', () => {
    const redacted = redactSecrets({
      broker: 'amqp://egress:TOKEN-1@rabbitmq:5672/prod',
      url: 'https://graph.example.com/v21.0/123/messages?access_token=TOKEN-2&debug=all',
      form: 'grant_type=refresh_token&refresh_token=TOKEN-3&client_secret=TOKEN-4',
      body: '{"access_token": "TOKEN-5","token_type":"bearer","expires_in":86399}',
    });
    expect(JSON.stringify(redacted)).not.toMatch(/TOKEN-/);
    expect(redacted).toEqual({
      broker: `amqp://egress:${REDACTED}@rabbitmq:5672/prod`,
      url: `https://graph.example.com/v21.0/123/messages?access_token=${REDACTED}&debug=all`,
      form: `grant_type=refresh_token&refresh_token=${REDACTED}&client_secret=${REDACTED}`,
      body: `{"access_token": "${REDACTED}","token_type":"bearer","expires_in":86399}`,
    });
    expect(secretRedactor(['tenantSigningKey'])('tenantSigningKey=TOKEN-6')).toBe(`tenantSigningKey=${REDACTED}`);
  });

  it('leaves text without credentials as it is', () => {
    const line = {
      reason: '(#131047) Re-engagement message: more than 24 hours have passed',
      url: 'https://graph.example.com/v21.0/123/messages',
      note: 'Basic',
      event: 'token_refreshed',
    };
    expect(redactSecrets(line)).toBe(line);
  });

  it('cuts cycles and very deep structures', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    expect(() => JSON.stringify(redactSecrets(cyclic))).not.toThrow();
  });
});
