import type { QueueKind } from '@lib/messaging';
import { rabbitMqUrlsOf } from './amqp-url';
import { EgressServiceEnv, LogLevel } from './egress-service-env.schema';

/** Name (logs, metric prefix) and version of a running service. */
export interface ServiceIdentity {
  name: string;
  version: string;
}

/**
 * The typed sections every egress service shares, built once from the validated environment. An
 * app's config class extends it with its own sections and is injected by its own class.
 */
export class EgressServiceConfig {
  readonly service: ServiceIdentity;
  readonly http: { host: string; port: number };
  readonly log: { level: LogLevel };
  readonly rabbitmq: {
    urls: string[];
    queueKind: QueueKind;
    prefetch: number;
    publishTimeoutMs: number;
    connectTimeoutMs: number;
    shutdownTimeoutMs: number;
  };
  readonly tenantService: { url: string; token: string; timeoutMs: number; maxInFlight: number };
  readonly credentials: { cacheTtlMs: number; negativeCacheTtlMs: number };
  readonly retry: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };
  readonly resilience: {
    failureThreshold: number;
    failureRate: number;
    sampleWindowMs: number;
    halfOpenAfterMs: number;
    maxInFlightPerTenant: number;
    maxWaitingPerTenant: number;
    handlerTimeoutMs: number;
  };
  readonly messageMaxBytes: number;
  /** How long a backlog's message gathers at the head of its conversation's line; 0 with one replica. */
  readonly conversationGatherMs: number;
  readonly sharedState: { redisUrl?: string; keyPrefix: string; expectedReplicas: number; maxRateLimitWaitMs: number };

  constructor(service: ServiceIdentity, env: EgressServiceEnv) {
    this.service = service;
    this.http = { host: env.HTTP_HOST, port: env.PORT };
    this.log = { level: env.LOG_LEVEL };
    this.rabbitmq = {
      urls: rabbitMqUrlsOf(env),
      queueKind: { type: env.RABBITMQ_QUEUE_TYPE, deliveryLimit: env.RABBITMQ_DELIVERY_LIMIT },
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
    this.credentials = { cacheTtlMs: env.CREDENTIAL_CACHE_TTL_MS, negativeCacheTtlMs: env.TENANT_NEGATIVE_CACHE_TTL_MS };
    this.retry = { maxAttempts: env.RETRY_MAX_ATTEMPTS, baseDelayMs: env.RETRY_BASE_DELAY_MS, maxDelayMs: env.RETRY_MAX_DELAY_MS };
    this.resilience = {
      failureThreshold: env.CB_FAILURE_THRESHOLD,
      failureRate: env.CB_FAILURE_RATE,
      sampleWindowMs: env.CB_SAMPLE_WINDOW_MS,
      halfOpenAfterMs: env.CB_HALF_OPEN_AFTER_MS,
      maxInFlightPerTenant: env.TENANT_MAX_IN_FLIGHT,
      // Half of the prefetch beyond one tenant's bulkhead; the other half keeps moving a backlog out of other tenants' way.
      maxWaitingPerTenant: Math.max(0, Math.floor((env.RABBITMQ_PREFETCH - env.TENANT_MAX_IN_FLIGHT) / 2)),
      handlerTimeoutMs: env.HANDLER_TIMEOUT_MS,
    };
    this.messageMaxBytes = env.MESSAGE_MAX_BYTES;
    // One replica takes a conversation's messages off the queue in the queue's order: nothing to gather.
    this.conversationGatherMs = env.EXPECTED_REPLICAS > 1 ? env.CONVERSATION_GATHER_MS : 0;
    this.sharedState = {
      redisUrl: env.REDIS_URL,
      keyPrefix: env.REDIS_KEY_PREFIX,
      expectedReplicas: env.EXPECTED_REPLICAS,
      maxRateLimitWaitMs: env.RATE_LIMIT_MAX_WAIT_MS,
    };
  }
}
