import { Params } from 'nestjs-pino';
import { stdTimeFunctions } from 'pino';
import { ObservabilityOptions } from '../observability.options';
import { LogContext } from './log-context';
import { secretRedactor } from './secret-redactor';
import { serializeErrorSafely } from './safe-error.serializer';

/**
 * One JSON object per line, secrets redacted at the logger, no per-request access log; each line
 * carries the fields of the message being handled (see `LogContext`). The message text (`msg`, which
 * pino also fills from an error's message) is redacted by its serializer: pino's log formatter never
 * sees it.
 */
export function pinoOptionsFor(options: ObservabilityOptions): Params {
  const redact = secretRedactor(options.redactKeys);
  const safeError = (value: unknown) => redact(serializeErrorSafely(value));
  return {
    pinoHttp: {
      level: options.logLevel,
      base: { service: options.serviceName, version: options.version },
      timestamp: stdTimeFunctions.isoTime,
      formatters: { level: (label: string) => ({ level: label }), log: redact },
      mixin: LogContext.fields,
      serializers: { err: safeError, error: safeError, msg: redact },
      autoLogging: false,
      quietReqLogger: true,
    },
  };
}
