import { Nack } from '@golevelup/nestjs-rabbitmq';
import { Injectable } from '@nestjs/common';
import { OutcomeDispatcher, SubscribeToWorkQueue } from '@lib/messaging';
import { DeliveryMetrics } from '@lib/observability';
import { ConsumeMessage } from 'amqplib';
import { MessageDeliveryService } from './message-delivery.service';
import { OUTBOUND_QUEUE } from './outbound-topology';

/** Consumes `outbound-processed`: each message is delivered, then settled by the dispatcher. */
@Injectable()
export class OutboundConsumer {
  constructor(
    private readonly delivery: MessageDeliveryService,
    private readonly dispatcher: OutcomeDispatcher,
    private readonly metrics: DeliveryMetrics,
  ) {}

  @SubscribeToWorkQueue(OUTBOUND_QUEUE)
  async handle(raw: Buffer, message: ConsumeMessage): Promise<Nack | undefined> {
    const finished = this.metrics.started();
    const outcome = await this.delivery.deliver(raw, message);
    try {
      return await this.dispatcher.dispatch(message, outcome);
    } finally {
      this.metrics.recordProcessingTime(outcome.context.tenantId, finished());
    }
  }
}
