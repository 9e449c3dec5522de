import { Params } from 'nestjs-pino';
import { stdTimeFunctions } from 'pino';
import { ObservabilityOptions } from '../observability.options';
import { redactPaths } from './redact-paths';
import { serializeErrorSafely } from './safe-error.serializer';

/** One JSON object per line, secrets redacted at the logger, no per-request access log. */
export function pinoOptionsFor(options: ObservabilityOptions): Params {
  return {
    pinoHttp: {
      level: options.logLevel,
      base: { service: options.serviceName, version: options.version },
      timestamp: stdTimeFunctions.isoTime,
      formatters: { level: (label: string) => ({ level: label }) },
      redact: { paths: redactPaths(), censor: '[REDACTED]' },
      serializers: { err: serializeErrorSafely, error: serializeErrorSafely },
      autoLogging: false,
      quietReqLogger: true,
    },
  };
}
