// The floor of the services' shape: what bench/bare-consumer.js does (consume, one POST per message, ack),
// but the way the services must take a message: a Nest application, golevelup's @RabbitSubscribe handler
// behind two interceptors that await a promise each (the outcome and the resilience interceptors), and an
// AsyncLocalStorage scope per message (the log context). No validation, policy, metric, log line or retry.
// What the services spend above this is their own work; what this spends above the bare consumer is the shape.
// With FLOOR_IO=1 it also does the I/O the services' guarantees need for each message, in as few round trips
// as they allow: one Redis script before the call (enter the conversation's line, claim the message, take a rate
// slot), one after it (the sent record, the line left), and a persistent status event whose confirm is awaited
// before the ack. Plain JavaScript, decorators applied by hand, so that it starts as lean as the bare consumer.
// Environment: RABBITMQ_URL, META_API_BASE_URL, TENANT_SERVICE_URL, TENANT_SERVICE_TOKEN, PREFETCH, and with
// FLOOR_IO=1 REDIS_URL and REDIS_KEY_PREFIX.
'use strict';
require('reflect-metadata');
const { AsyncLocalStorage } = require('node:async_hooks');
const { Injectable, Module, UseInterceptors } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { AmqpConnection, MessageHandlerErrorBehavior, RabbitMQModule, RabbitSubscribe } = require('@golevelup/nestjs-rabbitmq');
const { from, lastValueFrom } = require('rxjs');
const { Agent, request } = require('undici');
const { tenantTokens } = require('./support/tenant-tokens');
const Redis = require('ioredis');

const prefetch = Number(process.env.PREFETCH || 300);
const meta = new Agent({ connections: prefetch, pipelining: 1 });
const logContext = new AsyncLocalStorage();
const tokenOf = tenantTokens(process.env.TENANT_SERVICE_URL, process.env.TENANT_SERVICE_TOKEN);
const withIo = process.env.FLOOR_IO === '1';
const redis = withIo
  ? new Redis(process.env.REDIS_URL, { keyPrefix: process.env.REDIS_KEY_PREFIX, enableAutoPipelining: true })
  : undefined;
redis?.defineCommand('admit', {
  numberOfKeys: 3,
  lua: `if redis.call('SET', KEYS[1], ARGV[1], 'PX', 60000, 'NX') == false then return -1 end
if redis.call('SET', KEYS[2], ARGV[2], 'PX', 60000, 'NX') == false then return -2 end
return redis.call('INCR', KEYS[3])`,
});
redis?.defineCommand('recordSent', {
  numberOfKeys: 2,
  lua: `redis.call('SET', KEYS[1], ARGV[1], 'PX', 86400000)
return redis.call('DEL', KEYS[2])`,
});
const STATUS_QUEUE = 'floor-status-events';

/** As the outcome interceptor: a log scope per message, the handler's result awaited in a promise. */
class OutcomeStandIn {
  intercept(context, next) {
    const message = context.getArgByIndex(1);
    return from(logContext.run({ deliveryTag: message.fields.deliveryTag }, () => lastValueFrom(next.handle())));
  }
}
Injectable()(OutcomeStandIn);

/** As the resilience interceptor: the handler's result awaited in a promise. */
class PolicyStandIn {
  intercept(context, next) {
    return from(lastValueFrom(next.handle()));
  }
}
Injectable()(PolicyStandIn);

class FloorConsumer {
  constructor(amqp) {
    this.amqp = amqp;
  }

  async handle(envelope) {
    const { tenantId, phoneNumberId, internalId: messageId } = envelope.metadata;
    const line = `line:${tenantId}:${envelope.wabaPayload.to}`;
    if (withIo) {
      const rateKey = `rate:${phoneNumberId}:${Math.floor(Date.now() / 1000)}`;
      await redis.admit(line, `claim:${tenantId}:${messageId}`, rateKey, messageId, Date.now());
    }
    const token = await tokenOf(tenantId);
    const response = await request(`${process.env.META_API_BASE_URL}/v26.0/${phoneNumberId}/messages`, {
      method: 'POST',
      dispatcher: meta,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(envelope.wabaPayload),
    });
    const wamid = (await response.body.json()).messages[0].id;
    if (withIo) {
      await redis.recordSent(`sent:${tenantId}:${messageId}`, line, wamid);
      const event = { tenantId, messageId, status: 'sent', wamid, at: new Date().toISOString() };
      await this.amqp.publish('', STATUS_QUEUE, event, { persistent: true });
    }
  }
}
Injectable()(FloorConsumer);
Reflect.defineMetadata('design:paramtypes', [AmqpConnection], FloorConsumer);
const handle = Object.getOwnPropertyDescriptor(FloorConsumer.prototype, 'handle');
UseInterceptors(OutcomeStandIn, PolicyStandIn)(FloorConsumer.prototype, 'handle', handle);
RabbitSubscribe({ queue: 'outbound-processed', createQueueIfNotExists: false })(FloorConsumer.prototype, 'handle', handle);

class FloorModule {}
Module({
  imports: [
    RabbitMQModule.forRoot({
      uri: process.env.RABBITMQ_URL,
      prefetchCount: prefetch,
      defaultSubscribeErrorBehavior: MessageHandlerErrorBehavior.NACK,
      connectionInitOptions: { wait: true, timeout: 30_000, reject: true },
      enableDirectReplyTo: false,
      registerHandlers: true,
    }),
  ],
  providers: [FloorConsumer, OutcomeStandIn, PolicyStandIn],
})(FloorModule);

async function main() {
  const app = await NestFactory.createApplicationContext(FloorModule, { logger: ['error', 'warn'] });
  await app.init();
  if (withIo) await app.get(AmqpConnection).channel.assertQueue(STATUS_QUEUE, { durable: true });
  process.on('SIGTERM', () =>
    app
      .close()
      .finally(() => (redis ? redis.quit() : undefined))
      .finally(() => process.exit(0)),
  );
  console.log('nest floor consumer ready');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
