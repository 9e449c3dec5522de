import pino, { LoggerOptions } from 'pino';
import { Writable } from 'node:stream';
import { LogContext } from './log-context';
import { pinoOptionsFor } from './pino-options.factory';

function captureLogger(redactKeys?: string[]) {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(chunk.toString());
      callback();
    },
  });
  const options = pinoOptionsFor({ serviceName: 'egress-test', version: '1.2.3', logLevel: 'debug', redactKeys }).pinoHttp as LoggerOptions;
  const logger = pino(options, stream);
  return { logger, output: () => lines.join('') };
}

describe('service logger options', () => {
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

  it("hides the app's own keys as well as the defaults", () => {
    const { logger, output } = captureLogger(['x-tenant-signature']);
    logger.info({ headers: { 'X-Tenant-Signature': 'TOKEN-0', cookie: 'sid=TOKEN-1' }, oauth: { client_secret: 'TOKEN-2' } });
    expect(output()).not.toMatch(/TOKEN-\d/);
  });

  it('hides a Basic or Bearer credential in the message text, however it got there', () => {
    const { logger, output } = captureLogger();
    logger.warn('upstream refused Authorization: Basic dXNlcjpUT0tFTi0z');
    logger.info('calling with %s', 'Bearer TOKEN-4');
    logger.error({ err: new Error('token call failed, sent Authorization: Bearer TOKEN-5') });
    logger.error(new Error('retry with bearer TOKEN-6'));
    expect(output()).not.toMatch(/TOKEN-\d|dXNlcjpUT0tFTi0z/);
    const lines = output()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => line.msg)).toEqual([
      'upstream refused Authorization: Basic [REDACTED]',
      'calling with Bearer [REDACTED]',
      'token call failed, sent Authorization: Bearer [REDACTED]',
      'retry with bearer [REDACTED]',
    ]);
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

  it('adds the current message’s bound fields to every line, below the line’s own fields', () => {
    const { logger, output } = captureLogger();
    LogContext.run({ tenantId: 'acme', internalId: 'msg-1', attempt: 1 }, () => {
      LogContext.bind({ correlationId: 'corr-1' });
      logger.info({ event: 'message_sent', attempt: 2 });
    });
    logger.info({ event: 'outside' });
    const [inside, outside] = output()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(inside).toMatchObject({
      service: 'egress-test',
      version: '1.2.3',
      level: 'info',
      event: 'message_sent',
      tenantId: 'acme',
      internalId: 'msg-1',
      correlationId: 'corr-1',
      attempt: 2,
    });
    expect(outside).not.toHaveProperty('tenantId');
  });
});
