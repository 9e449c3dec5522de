import { Module } from '@nestjs/common';
import { AccessTokenCacheOptions, provideAccessTokenCache, tenantRegionKey } from '@lib/credentials';
import { GenesysConfig } from '../config/genesys.config';
import { GenesysLogin, GenesysLoginClient } from '../genesys/genesys-login.client';
import { GenesysModule } from '../genesys/genesys.module';
import { ConversationLookup } from './conversation-lookup.service';
import { GenesysDeliveryHooks } from './genesys-delivery.hooks';
import { GENESYS_TOKENS, GenesysSender } from './genesys-sender.service';
import { InboundConsumer } from './inbound.consumer';
import { InboundEnvelopeChecker } from './inbound-envelope';
import { RateLimitPauseMetrics } from './rate-limit-pause.metrics';

/** consume → (delivery pipeline: validate → order per customer → de-duplication) → credentials → pause → rate limit → region breaker → token → Genesys → correlation event. */
@Module({
  imports: [
    GenesysModule.forRootAsync({
      useFactory: (c: GenesysConfig) => ({
        apiUrlTemplate: c.genesys.apiUrlTemplate,
        loginUrlTemplate: c.genesys.loginUrlTemplate,
        timeoutMs: c.genesys.timeoutMs,
        connections: c.rabbitmq.prefetch,
        userAgent: `${c.service.name}/${c.service.version}`,
      }),
      inject: [GenesysConfig],
    }),
  ],
  providers: [
    provideAccessTokenCache<GenesysLogin>({
      provide: GENESYS_TOKENS,
      useFactory: (login: GenesysLoginClient): AccessTokenCacheOptions<GenesysLogin> => ({
        name: 'genesys',
        fetchToken: (key, signal) => login.fetchToken(key, signal),
        keyOf: tenantRegionKey,
      }),
      inject: [GenesysLoginClient],
    }),
    InboundEnvelopeChecker,
    ConversationLookup,
    RateLimitPauseMetrics,
    GenesysSender,
    GenesysDeliveryHooks,
    InboundConsumer,
  ],
})
export class InboundModule {}
