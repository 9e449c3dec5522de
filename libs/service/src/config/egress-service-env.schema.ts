// Before any decorator runs: without it the property types (for number conversion) are silently not recorded.
import 'reflect-metadata';
import { IsIn, IsInt, IsNotEmpty, IsNumber, IsString, IsUrl, isFQDN, isIP, Max, Min, ValidateBy } from 'class-validator';
import { RabbitMqEnv } from './rabbitmq-env.schema';
import { IsRedisKeyPrefix, IsRedisUrl } from './redis-env.validators';

const HTTP_URL = { require_tld: false, protocols: ['http', 'https'], require_protocol: true };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export type LogLevel = (typeof LOG_LEVELS)[number];

/** An address to listen on: an IPv4 or IPv6 literal (no brackets, no port) or a host name. */
function IsListenHost(): PropertyDecorator {
  return ValidateBy({
    name: 'isListenHost',
    validator: {
      validate: (value) => typeof value === 'string' && (isIP(value) || isFQDN(value, { require_tld: false })),
      defaultMessage: () => 'HTTP_HOST must be an IPv4 or IPv6 address or a host name',
    },
  });
}

/**
 * The environment every egress service reads, with its defaults: broker, tenant service, retry,
 * breaker and bulkhead, shared state, HTTP and logs. An app extends it with its own variables and
 * gives `REDIS_KEY_PREFIX` its default (services sharing one Redis never share keys); README
 * "Configuration" mirrors both. Read only through `loadServiceConfig`.
 */
export abstract class EgressServiceEnv extends RabbitMqEnv {
  @IsUrl(HTTP_URL, { message: 'TENANT_SERVICE_URL must be an http(s) URL' })
  TENANT_SERVICE_URL: string;

  @IsString()
  @IsNotEmpty({ message: 'TENANT_SERVICE_TOKEN must be set' })
  TENANT_SERVICE_TOKEN: string;

  @Min(1)
  @IsInt()
  TENANT_SERVICE_TIMEOUT_MS: number = 5000;

  /** Credential fetches in flight per replica; more wait up to TENANT_SERVICE_TIMEOUT_MS for a slot, then are deferred. */
  @Min(1)
  @Max(256)
  @IsInt()
  TENANT_SERVICE_MAX_IN_FLIGHT: number = 16;

  @Min(0)
  @IsInt()
  CREDENTIAL_CACHE_TTL_MS: number = 900000;

  /**
   * How long a tenant the tenant service refused (404, 403, not active, malformed record) stays refused
   * without asking again; also the shortest time between two refreshes of one tenant after a mismatch.
   */
  @Min(1000)
  @Max(300000)
  @IsInt()
  TENANT_NEGATIVE_CACHE_TTL_MS: number = 30000;

  /** Total vendor calls one message may cost: 3 means the first call and two retries. */
  @Min(1)
  @Max(50)
  @IsInt()
  RETRY_MAX_ATTEMPTS: number = 5;

  @Min(10)
  @IsInt()
  RETRY_BASE_DELAY_MS: number = 1000;

  @Min(10)
  @IsInt()
  RETRY_MAX_DELAY_MS: number = 60000;

  /** The fewest outcomes of one tenant within CB_SAMPLE_WINDOW_MS on which its breaker may open. */
  @Min(1)
  @IsInt()
  CB_FAILURE_THRESHOLD: number = 5;

  /** The share of unhealthy outcomes within CB_SAMPLE_WINDOW_MS above which a tenant's breaker opens. */
  @Max(0.99)
  @Min(0.01)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  CB_FAILURE_RATE: number = 0.5;

  /** How far back a breaker counts outcomes. */
  @Min(1000)
  @IsInt()
  CB_SAMPLE_WINDOW_MS: number = 30000;

  /** How long an open breaker waits before letting one message through. */
  @Min(100)
  @IsInt()
  CB_HALF_OPEN_AFTER_MS: number = 60000;

  /** Messages of one tenant in flight at once per replica; the rest wait in the broker. */
  @Min(1)
  @IsInt()
  TENANT_MAX_IN_FLIGHT: number = 400;

  /** Longest handling of one message (credentials, vendor call, publishes) before it is deferred. */
  @Min(1000)
  @IsInt()
  HANDLER_TIMEOUT_MS: number = 60000;

  /** On SIGTERM, how long in-flight messages may take to settle before the connection closes. */
  @Min(0)
  @IsInt()
  SHUTDOWN_TIMEOUT_MS: number = 30000;

  /** Queue messages larger than this are dead-lettered unparsed. */
  @Min(1024)
  @IsInt()
  MESSAGE_MAX_BYTES: number = 262144;

  /** Shared rate limits and de-duplication across replicas; without it they hold per process. */
  @IsRedisUrl()
  REDIS_URL?: string;

  /** Each app's default is its own name, so that services sharing one Redis never share keys. */
  @IsRedisKeyPrefix()
  abstract REDIS_KEY_PREFIX: string;

  /** Replicas sharing the queue; without Redis each keeps to its share of a tenant's limit. */
  @Min(1)
  @IsInt()
  EXPECTED_REPLICAS: number = 1;

  /**
   * With EXPECTED_REPLICAS above 1, how long a message that waited in the queue longer than this waits at the
   * head of its conversation's line for earlier ones other replicas are still taking off the queue; 0: never.
   */
  @Max(1000)
  @Min(0)
  @IsInt()
  CONVERSATION_GATHER_MS: number = 250;

  /** Longest in-process wait for a rate-limit slot; a longer wait goes through the broker. */
  @Min(0)
  @IsInt()
  RATE_LIMIT_MAX_WAIT_MS: number = 1000;

  /** Address the HTTP server (health, metrics) binds; 127.0.0.1 keeps it off the network. */
  @IsListenHost()
  HTTP_HOST: string = '0.0.0.0';

  @Min(0)
  @Max(65535)
  @IsInt()
  PORT: number = 8080;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'info';

  /**
   * Problems no single variable shows. Static, so that no environment variable can shadow it; an app
   * that adds its own calls `super.problemsAcrossFields(env)`.
   */
  static problemsAcrossFields(env: EgressServiceEnv): string[] {
    return env.RETRY_MAX_DELAY_MS < env.RETRY_BASE_DELAY_MS ? ['RETRY_MAX_DELAY_MS must not be smaller than RETRY_BASE_DELAY_MS'] : [];
  }

  /**
   * An app's vendor timeout against HANDLER_TIMEOUT_MS: a vendor call may start only while its ledger claim has
   * the call's timeout and a second left, so the handling needs at least that plus a second to do anything first.
   */
  protected static vendorTimeoutProblems(variable: string, vendorTimeoutMs: number, handlerTimeoutMs: number): string[] {
    const leastMs = vendorTimeoutMs + 2000;
    return handlerTimeoutMs < leastMs ? [`HANDLER_TIMEOUT_MS must be at least ${variable} plus 2000 (${leastMs})`] : [];
  }
}
