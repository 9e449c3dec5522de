import { MessageHandlerErrorBehavior, RabbitMQConfig, RabbitMQModule } from '@golevelup/nestjs-rabbitmq';
import { DynamicModule, Logger, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { QueueDepthMonitor } from './health/queue-depth.monitor';
import { RabbitMqHealthIndicator } from './health/rabbitmq.health';
import { MESSAGING_OPTIONS } from './messaging.constants';
import { MessagingOptions } from './messaging.options';
import { DeadLetterPublisher } from './outcome/dead-letter-publisher.service';
import { OutcomeDispatcher } from './outcome/outcome-dispatcher.service';
import { OutcomeInterceptor } from './outcome/outcome.interceptor';
import { DeliveryStateReader } from './outcome/delivery-state.reader';
import { GracefulShutdown } from './lifecycle/graceful-shutdown.service';
import { BrokerFlowControl } from './lifecycle/broker-flow-control.service';
import { InFlightMessages } from './lifecycle/in-flight-messages';
import { ReconnectBackoff } from './lifecycle/reconnect-backoff.service';
import { RetryScheduler } from './outcome/retry-scheduler.service';
import { BrokerPublisher } from './publishing/broker-publisher.service';
import { DeclareChannel } from './publishing/declare-channel';
import { PublishChannel } from './publishing/publish-channel';
import { TopologyDeclarer } from './topology/topology-declarer';
import { workQueueDeclaration } from './topology/work-queue-topology';

export interface MessagingAsyncOptions {
  useFactory: (...args: any[]) => MessagingOptions;
  inject?: any[];
}

const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;

@Module({})
class MessagingOptionsModule {}

/** golevelup's settings, all explicit: its defaults (requeue on error, prefetch 10) lose throughput or loop. */
export function rabbitConfigFor(options: MessagingOptions): RabbitMQConfig {
  const workQueue = workQueueDeclaration(options.topology);
  return {
    uri: options.uri,
    // Merged over the @SubscribeToWorkQueue handler of the same name: the queue as configured (its type).
    handlers: { [workQueue.name]: { queue: workQueue.name, queueOptions: { durable: true, arguments: workQueue.arguments } } },
    prefetchCount: options.prefetchCount,
    defaultSubscribeErrorBehavior: MessageHandlerErrorBehavior.NACK,
    connectionInitOptions: { wait: true, timeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, reject: true },
    connectionManagerOptions: { heartbeatIntervalInSeconds: 5, reconnectTimeInSeconds: 1 }, // grown by ReconnectBackoff
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
    // The options resolve only once the topology is declared, and golevelup's connection waits for
    // them: a missing broker or a mismatched queue fails start-up with our message, before consumers.
    const optionsModule: DynamicModule = {
      module: MessagingOptionsModule,
      providers: [
        {
          provide: MESSAGING_OPTIONS,
          useFactory: async (...args: unknown[]) => {
            const resolved = options.useFactory(...args);
            const declarer = new TopologyDeclarer(resolved.uri, resolved.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
            await declarer.declare(resolved.topology);
            return resolved;
          },
          inject: options.inject,
        },
      ],
      exports: [MESSAGING_OPTIONS],
    };
    return {
      module: MessagingModule,
      global: true,
      imports: [
        optionsModule,
        RabbitMQModule.forRootAsync({ imports: [optionsModule], useFactory: rabbitConfigFor, inject: [MESSAGING_OPTIONS] }),
        TerminusModule,
      ],
      providers: [
        BrokerFlowControl,
        PublishChannel,
        DeclareChannel,
        BrokerPublisher,
        RetryScheduler,
        DeadLetterPublisher,
        OutcomeDispatcher,
        OutcomeInterceptor,
        DeliveryStateReader,
        InFlightMessages,
        GracefulShutdown,
        ReconnectBackoff,
        QueueDepthMonitor,
        RabbitMqHealthIndicator,
      ],
      exports: [
        optionsModule,
        BrokerPublisher,
        OutcomeDispatcher,
        OutcomeInterceptor,
        DeliveryStateReader,
        InFlightMessages,
        RabbitMqHealthIndicator,
      ],
    };
  }
}
