import { DynamicModule } from '@nestjs/common';
import { EgressService } from '@lib/contracts';
import { CredentialsModule } from '@lib/credentials';
import { DeliveryModule } from '@lib/delivery';
import { DeliveryStateReader, MessagingModule, WorkQueueTopology } from '@lib/messaging';
import { ObservabilityModule } from '@lib/observability';
import { KeyedBreakerOptions, ResilienceModule, SharedStateModule, SharedStateOptions } from '@lib/resilience';
import { EgressServiceConfig } from './config/egress-service.config';
import { ServiceConfigModule } from './config/service-config.module';

/** What one egress service adds to the shared modules: its broker contract, its credentials, its breakers. */
export interface EgressServiceParts<T> {
  /** Its work queue (whose TTL is the longest a message may wait before it expires), wait queues and the queues it publishes to. */
  topology: WorkQueueTopology;
  /** Its broker contract: the message-id and trace-id headers of its dead letters. */
  service: Pick<EgressService, 'messageIdHeader' | 'traceIdHeader'>;
  /** `type` of its credentials at the tenant service, and how to read them. */
  credentialType: string;
  parseCredentials: (raw: unknown) => T;
  /**
   * The circuit breaker per tenant in the handler's interceptor, or breakers the handler calls by a key
   * of its own, known only while handling (a vendor region); the tenant bulkhead is always there.
   */
  breakers: { perTenant: true } | { perTenant: false; keyed: KeyedBreakerOptions };
  /** Shared-state settings of its own (e.g. how long the ledger remembers a message). */
  sharedState?: Partial<SharedStateOptions>;
  /** The longest one vendor call may take (its client's timeout). */
  vendorTimeoutMs: number;
}

/** Left between a vendor call's longest end and the moment its claim may be taken over, for recording the send. */
export const SEND_RECORD_MARGIN_MS = 1000;

/**
 * The modules every egress service is built of, configured from its typed config, in the order of a
 * message's path: configuration → logs and metrics → broker (topology, outcomes) → resilience
 * (bulkhead, breakers) → shared state (ledger, limits) → tenant credentials → the delivery pipeline.
 * The app adds its vendor module, its consumer and its health module.
 */
export function egressServiceModules<T>(config: EgressServiceConfig, parts: EgressServiceParts<T>): DynamicModule[] {
  const { rabbitmq, retry, resilience, sharedState, tenantService, credentials } = config;
  return [
    ServiceConfigModule.forRoot(config),
    ObservabilityModule.forRootAsync({
      useFactory: () => ({ serviceName: config.service.name, version: config.service.version, logLevel: config.log.level }),
    }),
    MessagingModule.forRootAsync({
      useFactory: () => ({
        uri: rabbitmq.urls,
        prefetchCount: rabbitmq.prefetch,
        publishTimeoutMs: rabbitmq.publishTimeoutMs,
        connectTimeoutMs: rabbitmq.connectTimeoutMs,
        shutdownTimeoutMs: rabbitmq.shutdownTimeoutMs,
        topology: { ...parts.topology, queueKind: rabbitmq.queueKind },
        retry,
        deadLetterIdHeaders: { messageId: parts.service.messageIdHeader, traceId: parts.service.traceIdHeader },
        stateBounds: { maxAttempts: retry.maxAttempts, maxSlotAheadMs: sharedState.maxRateLimitWaitMs + retry.maxDelayMs },
      }),
    }),
    ResilienceModule.forRootAsync({
      useFactory: (states: DeliveryStateReader) => ({
        ...resilience,
        interceptorBreaker: parts.breakers.perTenant ? 'per-tenant' : 'none',
        tenantOf: (context) => states.tenantOf(context.getArgByIndex(1)),
      }),
      inject: [DeliveryStateReader],
      ...(parts.breakers.perTenant ? {} : { keyedBreakers: parts.breakers.keyed }),
    }),
    SharedStateModule.forRootAsync({
      useFactory: () => ({ ...sharedState, staleClaimMs: resilience.handlerTimeoutMs, ...parts.sharedState }),
    }),
    CredentialsModule.forRootAsync({
      useFactory: () => ({
        tenantServiceUrl: tenantService.url,
        tenantServiceToken: tenantService.token,
        tenantServiceTimeoutMs: tenantService.timeoutMs,
        credentialType: parts.credentialType,
        cacheTtlMs: credentials.cacheTtlMs,
        negativeCacheTtlMs: credentials.negativeCacheTtlMs,
        maxConcurrentRequests: tenantService.maxInFlight,
        parseCredentials: parts.parseCredentials,
      }),
    }),
    DeliveryModule.forRootAsync({
      useFactory: () => ({
        messageMaxBytes: config.messageMaxBytes,
        maxMessageAgeMs: parts.topology.messageTtlMs,
        retry,
        conversationTurnMs: resilience.handlerTimeoutMs + rabbitmq.publishTimeoutMs * 2,
        // A claim is taken over once HANDLER_TIMEOUT_MS old (staleClaimMs): the last call must end before that.
        sendWindowMs: resilience.handlerTimeoutMs - parts.vendorTimeoutMs - SEND_RECORD_MARGIN_MS,
        gatherMs: config.conversationGatherMs,
      }),
    }),
  ];
}
