import { REDACTED, redactSecrets } from './secret-redactor';

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

  it('cuts cycles and very deep structures', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    expect(() => JSON.stringify(redactSecrets(cyclic))).not.toThrow();
  });
});
