import { RabbitSubscribe } from '@golevelup/nestjs-rabbitmq';
import { applyDecorators, Logger, NestInterceptor, Type, UseInterceptors } from '@nestjs/common';
import { Channel, ConsumeMessage } from 'amqplib';
import { OutcomeInterceptor } from './outcome/outcome.interceptor';
import { workQueueDeclaration, WorkQueueArguments } from './topology/work-queue-topology';

const logger = new Logger('WorkQueueConsumer');

/**
 * Last resort for an exception that escaped the handler (a defect: handlers return their outcome).
 * golevelup's default would requeue it at once, forever; rejecting lets the queue's dead-letter
 * arguments move it to the dead-letter queue with an `x-death` reason instead.
 */
function rejectToDeadLetter(channel: Channel, message: ConsumeMessage, error: unknown): void {
  logger.error({ event: 'handler_crashed', reason: (error as Error)?.message, deliveryTag: message.fields.deliveryTag });
  try {
    channel.nack(message, false, false);
  } catch {
    // The channel is gone: the broker redelivers the message on its own.
  }
}

export interface SubscribeOptions {
  /** Interceptors run inside the outcome interceptor, in order (e.g. the resilience policies). */
  interceptors?: Array<Type<NestInterceptor>>;
}

/**
 * Subscribes a handler to a work queue. The handler receives the raw body (`Buffer`) and the
 * delivery, and returns a `DeliveryOutcome`; `OutcomeInterceptor`, always outermost, settles it.
 * Parsing and validation stay in the handler instead of golevelup's deserializer. The queue is
 * (re)declared with exactly the topology's arguments on every (re)connect: the decorator knows the
 * queue's contract, the module's handler config of the same name (`rabbitConfigFor`) adds what only
 * configuration knows, the queue's type.
 */
export function SubscribeToWorkQueue(topology: WorkQueueArguments, options: SubscribeOptions = {}): MethodDecorator {
  const declaration = workQueueDeclaration(topology);
  return applyDecorators(
    RabbitSubscribe({
      name: declaration.name,
      queue: declaration.name,
      createQueueIfNotExists: true,
      queueOptions: { durable: true, arguments: declaration.arguments },
      deserializer: (content: Buffer) => content,
      errorHandler: rejectToDeadLetter,
    }),
    UseInterceptors(OutcomeInterceptor, ...(options.interceptors ?? [])),
  );
}
