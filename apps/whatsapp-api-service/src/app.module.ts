import { DynamicModule, Module } from '@nestjs/common';
import { WHATSAPP_OUTBOUND_QUEUE } from '@lib/contracts';
import { CredentialsModule } from '@lib/credentials';
import { DeliveryModule } from '@lib/delivery';
import { DeliveryStateReader, MessagingModule } from '@lib/messaging';
import { ObservabilityModule } from '@lib/observability';
import { AccountHoldHealthIndicator, ResilienceModule, SharedStateModule } from '@lib/resilience';
import { ServiceConfigModule, ServiceHealthModule } from '@lib/service';
import { WhatsappConfig } from './config/whatsapp.config';
import { parseWhatsappCredentials } from './credentials/whatsapp-credentials';
import { OutboundModule } from './outbound/outbound.module';
import { outboundTopology } from './outbound/outbound-topology';

/** Read top to bottom, the imports are the path of a message: queue → credentials → Meta → outcome. */
@Module({})
export class AppModule {
  static forRoot(config: WhatsappConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceConfigModule.forRoot(config),
        ObservabilityModule.forRootAsync({
          useFactory: (c: WhatsappConfig) => ({ serviceName: c.service.name, version: c.service.version, logLevel: c.log.level }),
          inject: [WhatsappConfig],
        }),
        MessagingModule.forRootAsync({
          useFactory: (c: WhatsappConfig) => ({
            uri: c.rabbitmq.url,
            prefetchCount: c.rabbitmq.prefetch,
            publishTimeoutMs: c.rabbitmq.publishTimeoutMs,
            connectTimeoutMs: c.rabbitmq.connectTimeoutMs,
            shutdownTimeoutMs: c.rabbitmq.shutdownTimeoutMs,
            topology: outboundTopology(c.retry),
            retry: c.retry,
            stateBounds: { maxAttempts: c.retry.maxAttempts, maxSlotAheadMs: c.sharedState.maxRateLimitWaitMs + c.retry.maxDelayMs },
          }),
          inject: [WhatsappConfig],
        }),
        ResilienceModule.forRootAsync({
          useFactory: (c: WhatsappConfig, states: DeliveryStateReader) => ({
            ...c.resilience,
            interceptorBreaker: 'per-tenant',
            tenantOf: (context) => states.tenantOf(context.getArgByIndex(1)),
          }),
          inject: [WhatsappConfig, DeliveryStateReader],
        }),
        SharedStateModule.forRootAsync({
          useFactory: (c: WhatsappConfig) => ({ ...c.sharedState, staleClaimMs: c.resilience.handlerTimeoutMs }),
          inject: [WhatsappConfig],
        }),
        CredentialsModule.forRootAsync({
          useFactory: (c: WhatsappConfig) => ({
            tenantServiceUrl: c.tenantService.url,
            tenantServiceToken: c.tenantService.token,
            tenantServiceTimeoutMs: c.tenantService.timeoutMs,
            credentialType: 'whatsapp',
            cacheTtlMs: c.credentials.cacheTtlMs,
            negativeCacheTtlMs: c.credentials.negativeCacheTtlMs,
            maxConcurrentRequests: c.tenantService.maxInFlight,
            parseCredentials: parseWhatsappCredentials,
          }),
          inject: [WhatsappConfig],
        }),
        DeliveryModule.forRootAsync({
          useFactory: (c: WhatsappConfig) => ({
            messageMaxBytes: c.messageMaxBytes,
            maxMessageAgeMs: WHATSAPP_OUTBOUND_QUEUE.messageTtlMs,
            retry: c.retry,
            conversationTurnMs: c.resilience.handlerTimeoutMs + c.rabbitmq.publishTimeoutMs * 2,
          }),
          inject: [WhatsappConfig],
        }),
        OutboundModule,
        // Readiness also lists the tenants whose account Meta put on hold; they never fail it.
        ServiceHealthModule.forRoot({ extraIndicators: [{ key: 'accountHolds', indicator: AccountHoldHealthIndicator }] }),
      ],
    };
  }
}
