import pino from 'pino';
import { Writable } from 'node:stream';
import { redactPaths } from './redact-paths';
import { serializeErrorSafely } from './safe-error.serializer';

function captureLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(chunk.toString());
      callback();
    },
  });
  const logger = pino(
    { redact: { paths: redactPaths(), censor: '[REDACTED]' }, serializers: { err: serializeErrorSafely } },
    stream,
  );
  return { logger, output: () => lines.join('') };
}

describe('log redaction', () => {
  it('hides sensitive keys at every depth', () => {
    const { logger, output } = captureLogger();
    logger.info({
      token: 'TOKEN-0',
      credentials: { systemUserAccessToken: 'TOKEN-1' },
      a: { b: { accessToken: 'TOKEN-2', c: { password: 'TOKEN-3' } } },
      headers: { Authorization: 'Bearer TOKEN-4', authorization: 'Bearer TOKEN-5' },
      tenant: { secret: 'TOKEN-6' },
    });
    expect(output()).not.toMatch(/TOKEN-\d/);
    expect(output()).toContain('[REDACTED]');
  });

  it('prints an axios-like error without its request config', () => {
    const { logger, output } = captureLogger();
    const error = Object.assign(new Error('Request failed with status code 500'), {
      code: 'ERR_BAD_RESPONSE',
      config: { headers: { Authorization: 'Bearer TOKEN-7' } },
      response: { status: 500, config: { headers: { Authorization: 'Bearer TOKEN-7' } } },
    });
    logger.error({ err: error }, 'call failed');
    expect(output()).not.toContain('TOKEN-7');
    expect(JSON.parse(output()).err).toMatchObject({ code: 'ERR_BAD_RESPONSE', status: 500 });
  });
});
