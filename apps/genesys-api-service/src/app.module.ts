import { DynamicModule, Module } from '@nestjs/common';
import { GENESYS_EGRESS_SERVICE, GENESYS_INBOUND_QUEUE } from '@lib/contracts';
import { CredentialsModule } from '@lib/credentials';
import { DeliveryModule } from '@lib/delivery';
import { DeliveryStateReader, MessagingModule } from '@lib/messaging';
import { ObservabilityModule } from '@lib/observability';
import { ResilienceModule, SharedStateModule } from '@lib/resilience';
import { ServiceConfigModule, ServiceHealthModule } from '@lib/service';
import { GenesysConfig } from './config/genesys.config';
import { parseGenesysCredentials } from './credentials/genesys-credentials';
import { InboundModule } from './inbound/inbound.module';
import { inboundTopology } from './inbound/inbound-topology';

/** Read top to bottom, the imports are the path of a message: queue → credentials → Genesys → correlation event. */
@Module({})
export class AppModule {
  static forRoot(config: GenesysConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceConfigModule.forRoot(config),
        ObservabilityModule.forRootAsync({
          useFactory: (c: GenesysConfig) => ({ serviceName: c.service.name, version: c.service.version, logLevel: c.log.level }),
          inject: [GenesysConfig],
        }),
        MessagingModule.forRootAsync({
          useFactory: (c: GenesysConfig) => ({
            uri: c.rabbitmq.url,
            prefetchCount: c.rabbitmq.prefetch,
            publishTimeoutMs: c.rabbitmq.publishTimeoutMs,
            connectTimeoutMs: c.rabbitmq.connectTimeoutMs,
            shutdownTimeoutMs: c.rabbitmq.shutdownTimeoutMs,
            topology: inboundTopology(c.retry),
            retry: c.retry,
            deadLetterIdHeaders: { messageId: GENESYS_EGRESS_SERVICE.messageIdHeader, traceId: GENESYS_EGRESS_SERVICE.traceIdHeader },
            stateBounds: { maxAttempts: c.retry.maxAttempts, maxSlotAheadMs: c.sharedState.maxRateLimitWaitMs + c.retry.maxDelayMs },
          }),
          inject: [GenesysConfig],
        }),
        // The bulkhead per tenant in the interceptor; the breaker per Genesys region, known once the credentials are read.
        ResilienceModule.forRootAsync({
          useFactory: (c: GenesysConfig, states: DeliveryStateReader) => ({
            ...c.resilience,
            interceptorBreaker: 'none',
            tenantOf: (context) => states.tenantOf(context.getArgByIndex(1)),
          }),
          inject: [GenesysConfig, DeliveryStateReader],
          keyedBreakers: { keyKind: 'region' },
        }),
        SharedStateModule.forRootAsync({
          useFactory: (c: GenesysConfig) => ({ ...c.sharedState, staleClaimMs: c.resilience.handlerTimeoutMs, ledgerTtlS: c.dedupeTtlS }),
          inject: [GenesysConfig],
        }),
        CredentialsModule.forRootAsync({
          useFactory: (c: GenesysConfig) => ({
            tenantServiceUrl: c.tenantService.url,
            tenantServiceToken: c.tenantService.token,
            tenantServiceTimeoutMs: c.tenantService.timeoutMs,
            credentialType: 'genesys',
            cacheTtlMs: c.credentials.cacheTtlMs,
            negativeCacheTtlMs: c.credentials.negativeCacheTtlMs,
            maxConcurrentRequests: c.tenantService.maxInFlight,
            parseCredentials: parseGenesysCredentials,
          }),
          inject: [GenesysConfig],
        }),
        DeliveryModule.forRootAsync({
          useFactory: (c: GenesysConfig) => ({
            messageMaxBytes: c.messageMaxBytes,
            maxMessageAgeMs: GENESYS_INBOUND_QUEUE.messageTtlMs,
            retry: c.retry,
            conversationTurnMs: c.resilience.handlerTimeoutMs + c.rabbitmq.publishTimeoutMs * 2,
          }),
          inject: [GenesysConfig],
        }),
        InboundModule,
        ServiceHealthModule.forRoot(),
      ],
    };
  }
}
