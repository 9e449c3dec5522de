import pino, { LoggerOptions } from 'pino';
import { Writable } from 'node:stream';
import { LogContext } from './log-context';
import { pinoOptionsFor } from './pino-options.factory';

function captureLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(chunk.toString());
      callback();
    },
  });
  const options = pinoOptionsFor({ serviceName: 'egress-test', version: '1.2.3', logLevel: 'debug' }).pinoHttp as LoggerOptions;
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
