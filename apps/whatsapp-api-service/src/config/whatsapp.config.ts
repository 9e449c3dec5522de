import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { version } from '../../../../package.json';
import { ConfigValidationError } from './config-validation.error';
import { WhatsappEnv } from './whatsapp-env.schema';

export const SERVICE_NAME = 'whatsapp-api-service';

/** Typed, validated configuration of the whatsapp-api-service; injected by class. */
export class WhatsappConfig {
  readonly service = { name: SERVICE_NAME, version };
  readonly http: { host: string; port: number };
  readonly logLevel: WhatsappEnv['LOG_LEVEL'];
  readonly rabbitmq: { url: string; prefetch: number; publishTimeoutMs: number; connectTimeoutMs: number; shutdownTimeoutMs: number };
  readonly tenantService: { url: string; token: string; timeoutMs: number; maxInFlight: number };
  readonly meta: { baseUrl: string; apiVersion: string; timeoutMs: number };
  readonly credentials: { cacheTtlMs: number; negativeCacheTtlMs: number };
  readonly retry: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };
  readonly resilience: { failureThreshold: number; halfOpenAfterMs: number; maxInFlightPerTenant: number; handlerTimeoutMs: number };
  readonly messageMaxBytes: number;
  /** `probeMs` overrides the per-code probe interval of an account hold. */
  readonly accountHold: { probeMs?: number };
  readonly sharedState: {
    redisUrl?: string;
    keyPrefix: string;
    expectedReplicas: number;
    defaultMessagesPerSecond: number;
    maxRateLimitWaitMs: number;
  };

  constructor(env: WhatsappEnv) {
    this.http = { host: env.HTTP_HOST, port: env.PORT };
    this.logLevel = env.LOG_LEVEL;
    this.rabbitmq = {
      url: env.RABBITMQ_URL ?? amqpUrlFromParts(env),
      prefetch: env.RABBITMQ_PREFETCH,
      publishTimeoutMs: env.RABBITMQ_PUBLISH_TIMEOUT_MS,
      connectTimeoutMs: env.RABBITMQ_CONNECT_TIMEOUT_MS,
      shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    };
    this.tenantService = {
      url: env.TENANT_SERVICE_URL.replace(/\/+$/, ''),
      token: env.TENANT_SERVICE_TOKEN,
      timeoutMs: env.TENANT_SERVICE_TIMEOUT_MS,
      maxInFlight: env.TENANT_SERVICE_MAX_IN_FLIGHT,
    };
    this.meta = {
      baseUrl: env.META_API_BASE_URL.replace(/\/+$/, ''),
      apiVersion: env.META_API_VERSION,
      timeoutMs: env.META_API_TIMEOUT_MS,
    };
    this.credentials = { cacheTtlMs: env.CREDENTIAL_CACHE_TTL_MS, negativeCacheTtlMs: env.TENANT_NEGATIVE_CACHE_TTL_MS };
    this.retry = {
      maxAttempts: env.RETRY_MAX_ATTEMPTS,
      baseDelayMs: env.RETRY_BASE_DELAY_MS,
      maxDelayMs: env.RETRY_MAX_DELAY_MS,
    };
    this.resilience = {
      failureThreshold: env.CB_FAILURE_THRESHOLD,
      halfOpenAfterMs: env.CB_HALF_OPEN_AFTER_MS,
      maxInFlightPerTenant: env.TENANT_MAX_IN_FLIGHT,
      handlerTimeoutMs: env.HANDLER_TIMEOUT_MS,
    };
    this.messageMaxBytes = env.MESSAGE_MAX_BYTES;
    this.accountHold = { probeMs: env.ACCOUNT_HOLD_PROBE_MS };
    this.sharedState = {
      redisUrl: env.REDIS_URL,
      keyPrefix: env.REDIS_KEY_PREFIX,
      expectedReplicas: env.EXPECTED_REPLICAS,
      defaultMessagesPerSecond: env.RATE_LIMIT_DEFAULT_MPS,
      maxRateLimitWaitMs: env.RATE_LIMIT_MAX_WAIT_MS,
    };
  }
}

/**
 * Reads and validates `env` (normally `process.env`). Empty strings count as unset, so a blank
 * `KEY=` in a compose file falls back to the default rather than failing as malformed.
 */
export function loadWhatsappConfig(env: Record<string, string | undefined>): WhatsappConfig {
  const provided = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = plainToInstance(WhatsappEnv, provided, { enableImplicitConversion: true });
  const problems = validateSync(parsed, { forbidUnknownValues: false, stopAtFirstError: true }).flatMap((error) =>
    Object.values(error.constraints ?? {}).map((constraint) => withVariableName(error.property, constraint)),
  );
  if (parsed.RETRY_MAX_DELAY_MS < parsed.RETRY_BASE_DELAY_MS) {
    problems.push('RETRY_MAX_DELAY_MS must not be smaller than RETRY_BASE_DELAY_MS');
  }
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return new WhatsappConfig(parsed);
}

function withVariableName(property: string, constraint: string): string {
  return constraint.startsWith(property) ? constraint : `${property}: ${constraint}`;
}

/** The broker URL the service uses when `RABBITMQ_URL` is unset. */
export function amqpUrlFromParts(env: WhatsappEnv): string {
  const credentials = `${encodeURIComponent(env.RABBITMQ_USER)}:${encodeURIComponent(env.RABBITMQ_PASSWORD)}`;
  const vhost = env.RABBITMQ_VHOST === '/' ? '' : `/${encodeURIComponent(env.RABBITMQ_VHOST)}`;
  return `amqp://${credentials}@${env.RABBITMQ_HOST}:${env.RABBITMQ_PORT}${vhost}`;
}
