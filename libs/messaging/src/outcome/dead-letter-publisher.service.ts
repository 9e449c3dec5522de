import { Inject, Injectable } from '@nestjs/common';
import { DeliveryError } from '@lib/resilience';
import { ConsumeMessage } from 'amqplib';
import { MESSAGING_OPTIONS } from '../messaging.constants';
import { MessagingOptions } from '../messaging.options';
import { BrokerPublisher } from '../publishing/broker-publisher.service';
import { copiedProperties } from './copied-properties';
import { DeadLetterHeader, deliveryStateHeaders, ServiceHeaders } from './delivery-headers';
import { OutcomeContext } from './delivery-outcome';

/** Publishes the original body, unchanged, to the dead-letter exchange with headers giving the reason. */
@Injectable()
export class DeadLetterPublisher {
  private readonly serviceHeaders: ServiceHeaders;

  constructor(
    private readonly publisher: BrokerPublisher,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {
    this.serviceHeaders = new ServiceHeaders(options.deadLetterIdHeaders);
  }

  async publish(message: ConsumeMessage, context: OutcomeContext, error: DeliveryError): Promise<void> {
    const { deadLetterExchange, deadLetterRoutingKey } = this.options.topology;
    const reason: Record<string, string | number> = {
      [DeadLetterHeader.CATEGORY]: error.category,
      [DeadLetterHeader.MESSAGE]: error.message,
      [DeadLetterHeader.FAILED_AT]: new Date().toISOString(),
    };
    const optional = {
      [DeadLetterHeader.CODE]: error.details.code,
      [DeadLetterHeader.SUBCODE]: error.details.subcode,
      [DeadLetterHeader.STATUS]: error.details.httpStatus,
      [this.serviceHeaders.traceId]: error.details.traceId,
      [DeadLetterHeader.TENANT_ID]: context.tenantId,
      [this.serviceHeaders.messageId]: context.messageId,
    };
    for (const [header, value] of Object.entries(optional)) {
      if (value !== undefined && value !== '') reason[header] = String(value);
    }
    const headers = { ...deliveryStateHeaders(context.state), ...reason };
    await this.publisher.publish(
      deadLetterExchange,
      deadLetterRoutingKey,
      message.content,
      copiedProperties(message, this.serviceHeaders, headers),
    );
  }
}
