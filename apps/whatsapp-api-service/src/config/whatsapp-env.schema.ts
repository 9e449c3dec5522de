import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUrl, isFQDN, isIP, Matches, Max, Min, ValidateBy } from 'class-validator';

const HTTP_URL = { require_tld: false, protocols: ['http', 'https'], require_protocol: true };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

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
 * Every environment variable the whatsapp-api-service reads, with its default. This class is the only
 * reader of `process.env` (through `loadWhatsappConfig`); README "Configuration" mirrors it.
 * Type checks such as `@IsInt()` sit closest to the property: class-validator runs decorators
 * bottom-up and stops at the first failure, so a non-number is reported as such.
 */
export class WhatsappEnv {
  @IsOptional()
  @Matches(/^amqps?:\/\/\S+$/, { message: 'RABBITMQ_URL must be an amqp:// or amqps:// URL' })
  RABBITMQ_URL?: string;

  @IsString()
  @IsNotEmpty()
  RABBITMQ_HOST: string = '127.0.0.1';

  @Min(1)
  @Max(65535)
  @IsInt()
  RABBITMQ_PORT: number = 5672;

  @IsString()
  @IsNotEmpty()
  RABBITMQ_USER: string = 'guest';

  @IsString()
  RABBITMQ_PASSWORD: string = 'guest';

  @IsString()
  @IsNotEmpty()
  RABBITMQ_VHOST: string = '/';

  /**
   * Unacked messages per replica. Little's law: 600 in flight at 200 ms of Meta latency (about 300 ms
   * through the service) is 2,000 msg/s; CPU caps one replica lower (bench/README.md).
   */
  @Min(1)
  @Max(65535)
  @IsInt()
  RABBITMQ_PREFETCH: number = 600;

  /** How long start-up waits for the broker before it gives up with an error. */
  @Min(100)
  @IsInt()
  RABBITMQ_CONNECT_TIMEOUT_MS: number = 30000;

  /** Longest wait for the broker to confirm a publish (retry, dead-letter, status event). */
  @Min(100)
  @IsInt()
  RABBITMQ_PUBLISH_TIMEOUT_MS: number = 5000;

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

  @IsUrl(HTTP_URL, { message: 'META_API_BASE_URL must be an http(s) URL' })
  META_API_BASE_URL: string = 'https://graph.facebook.com';

  @Matches(/^v\d+\.\d+$/, { message: 'META_API_VERSION must look like v26.0' })
  META_API_VERSION: string = 'v26.0';

  @Min(1)
  @IsInt()
  META_API_TIMEOUT_MS: number = 10000;

  @Min(0)
  @IsInt()
  CREDENTIAL_CACHE_TTL_MS: number = 900000;

  /**
   * How long a tenant the tenant service refused (404, 403, not active, malformed record) stays refused
   * without asking again; also the shortest time between two refreshes of one tenant after a sender mismatch.
   */
  @Min(1000)
  @Max(300000)
  @IsInt()
  TENANT_NEGATIVE_CACHE_TTL_MS: number = 30000;

  /** Total Meta calls one message may cost: 3 means the first call and two retries. */
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

  /** Consecutive transient Meta failures of one tenant that open its circuit breaker. */
  @Min(1)
  @IsInt()
  CB_FAILURE_THRESHOLD: number = 5;

  /** How long an open breaker waits before letting one message through. */
  @Min(100)
  @IsInt()
  CB_HALF_OPEN_AFTER_MS: number = 60000;

  /**
   * Messages of one tenant in flight at once per replica; the rest wait in the broker. 400 lets one
   * number reach Meta's 1,000 msg/s tier and leaves a third of the prefetch to the other tenants.
   */
  @Min(1)
  @IsInt()
  TENANT_MAX_IN_FLIGHT: number = 400;

  /** Longest handling of one message (credentials, Meta call, publishes) before it is deferred. */
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
  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  @Matches(/^[A-Za-z0-9:_-]{1,64}$/, { message: 'REDIS_KEY_PREFIX must be 1-64 letters, digits, :, _ or -' })
  REDIS_KEY_PREFIX: string = 'whatsapp-api-service:';

  /** Replicas sharing the queue; without Redis each keeps to its share of a tenant's limit. */
  @Min(1)
  @IsInt()
  EXPECTED_REPLICAS: number = 1;

  /** Messages per second per business number when the tenant's credentials name no limit. */
  @Min(1)
  @IsInt()
  RATE_LIMIT_DEFAULT_MPS: number = 80;

  /** Longest in-process wait for a rate-limit slot; a longer wait goes through the broker. */
  @Min(0)
  @IsInt()
  RATE_LIMIT_MAX_WAIT_MS: number = 1000;

  /** Address the HTTP server (health, metrics) binds; 127.0.0.1 keeps it off the network. */
  @IsListenHost()
  HTTP_HOST: string = '0.0.0.0';

  /**
   * How often one message probes a tenant whose account Meta refused as a whole (locked, blocked,
   * unpaid). Unset: the classifier's interval for the error code (30 min to 6 h).
   */
  @IsOptional()
  @Min(1000)
  @IsInt()
  ACCOUNT_HOLD_PROBE_MS?: number;

  @Min(0)
  @Max(65535)
  @IsInt()
  PORT: number = 8080;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';
}
