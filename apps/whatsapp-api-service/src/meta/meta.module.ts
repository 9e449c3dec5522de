import { HttpModule } from '@nestjs/axios';
import { Module } from '@nestjs/common';
import { Agent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { WhatsappConfig } from '../config/whatsapp.config';
import { MetaApiMetrics } from './meta-api.metrics';
import { MetaErrorClassifier } from './meta-error.classifier';
import { MetaGraphClient } from './meta-graph.client';

/** Sockets per replica: one per message that can be in flight (the prefetch), so none waits for a socket. */
function agentOptions(config: WhatsappConfig) {
  return { keepAlive: true, maxSockets: config.rabbitmq.prefetch, maxFreeSockets: config.rabbitmq.prefetch };
}

@Module({
  imports: [
    HttpModule.registerAsync({
      useFactory: (config: WhatsappConfig) => ({
        baseURL: config.meta.baseUrl,
        timeout: config.meta.timeoutMs,
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': `${config.service.name}/${config.service.version}`,
        },
        httpAgent: new Agent(agentOptions(config)),
        httpsAgent: new HttpsAgent(agentOptions(config)),
        maxRedirects: 0,
        validateStatus: () => true,
      }),
      inject: [WhatsappConfig],
    }),
  ],
  providers: [MetaGraphClient, MetaErrorClassifier, MetaApiMetrics],
  exports: [MetaGraphClient, MetaErrorClassifier],
})
export class MetaModule {}
