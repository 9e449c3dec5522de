import { MessageHandlerErrorBehavior, RabbitMQConfig, RabbitMQModule } from '@golevelup/nestjs-rabbitmq';
import { DynamicModule, Logger, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { RabbitMqHealthIndicator } from './health/rabbitmq.health';
import { MESSAGING_OPTIONS } from './messaging.constants';
import { MessagingOptions } from './messaging.options';
import { DeadLetterPublisher } from './outcome/dead-letter-publisher.service';
import { OutcomeDispatcher } from './outcome/outcome-dispatcher.service';
import { RetryScheduler } from './outcome/retry-scheduler.service';
import { BrokerPublisher } from './publishing/broker-publisher.service';
import { TopologyBootstrap } from './topology/topology-bootstrap.service';

export interface MessagingAsyncOptions {
  useFactory: (...args: any[]) => MessagingOptions;
  inject?: any[];
}

/** golevelup's settings, all explicit: its defaults (requeue on error, prefetch 10) lose throughput or loop. */
export function rabbitConfigFor(options: MessagingOptions): RabbitMQConfig {
  return {
    uri: options.uri,
    prefetchCount: options.prefetchCount,
    defaultSubscribeErrorBehavior: MessageHandlerErrorBehavior.NACK,
    connectionInitOptions: { wait: true, timeout: options.connectTimeoutMs ?? 30_000, reject: true },
    connectionManagerOptions: { heartbeatIntervalInSeconds: 5, reconnectTimeInSeconds: 1 },
    enableDirectReplyTo: false,
    registerHandlers: true,
    logger: new Logger('RabbitMQ'),
  };
}

/**
 * RabbitMQ for a work-queue consumer: connection, topology, and the outcome machinery (retry through
 * wait queues, dead-lettering with reasons, confirmed publishes).
 */
@Module({})
export class MessagingModule {
  static forRootAsync(options: MessagingAsyncOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      imports: [
        RabbitMQModule.forRootAsync({
          useFactory: (...args: unknown[]) => rabbitConfigFor(options.useFactory(...args)),
          inject: options.inject,
        }),
        TerminusModule,
      ],
      providers: [
        { provide: MESSAGING_OPTIONS, useFactory: options.useFactory, inject: options.inject },
        TopologyBootstrap,
        BrokerPublisher,
        RetryScheduler,
        DeadLetterPublisher,
        OutcomeDispatcher,
        RabbitMqHealthIndicator,
      ],
      exports: [MESSAGING_OPTIONS, BrokerPublisher, OutcomeDispatcher, RabbitMqHealthIndicator],
    };
  }
}
