import { Params } from 'nestjs-pino';
import { stdTimeFunctions } from 'pino';
import { ObservabilityOptions } from '../observability.options';
import { LogContext } from './log-context';
import { redactSecrets } from './secret-redactor';
import { serializeErrorSafely } from './safe-error.serializer';

/**
 * One JSON object per line, secrets redacted at the logger, no per-request access log; each line
 * carries the fields of the message being handled (see `LogContext`).
 */
export function pinoOptionsFor(options: ObservabilityOptions): Params {
  return {
    pinoHttp: {
      level: options.logLevel,
      base: { service: options.serviceName, version: options.version },
      timestamp: stdTimeFunctions.isoTime,
      formatters: { level: (label: string) => ({ level: label }), log: redactSecrets },
      mixin: LogContext.fields,
      serializers: { err: serializeErrorSafely, error: serializeErrorSafely },
      autoLogging: false,
      quietReqLogger: true,
    },
  };
}
