import { Injectable } from '@nestjs/common';
import { DeliveryHooks, EnvelopeCheck, MessageIdentity, publishedAtOf } from '@lib/delivery';
import { DeliveryState, OutcomeEvent } from '@lib/messaging';
import { correlationEvent, GenesysReceipt } from './correlation-event.factory';
import { GenesysSender } from './genesys-sender.service';
import { InboundEnvelopeChecker, whatsappMessageIdOf } from './inbound-envelope';
import { InboundEnvelope } from './inbound-envelope.types';

const idOrNull = (value: unknown): string | null => (typeof value === 'string' && value.length > 0 && value.length <= 128 ? value : null);

/**
 * What the delivery pipeline needs of Genesys: the inbound envelope, the send (a message or a receipt),
 * the correlation event. Failures have no event of their own: the dead letter carries everything.
 */
@Injectable()
export class GenesysDeliveryHooks implements DeliveryHooks<InboundEnvelope, GenesysReceipt> {
  readonly vendor = 'Genesys';
  readonly messageIdLogField = 'whatsappMessageId';

  constructor(
    private readonly checker: InboundEnvelopeChecker,
    private readonly sender: GenesysSender,
  ) {}

  check(json: unknown): EnvelopeCheck<InboundEnvelope> {
    return this.checker.check(json);
  }

  messageIdOf(json: unknown): string | undefined {
    return whatsappMessageIdOf(json);
  }

  identify(envelope: InboundEnvelope): MessageIdentity {
    const { tenantId, whatsapp_message_id, correlationId } = envelope.metadata;
    return {
      tenantId,
      // Also the dead letter's x-whatsapp-message-id. A receipt is final (isFinalReceipt), so the agent's message
      // gets one: a repeated or later receipt for it is acked as a duplicate.
      messageId: whatsapp_message_id,
      messageType: envelope.messageType,
      // Order per customer of the tenant, across retries: Genesys threads a customer's messages into one conversation.
      conversationKey: `${tenantId}:${envelope.customerId}`,
      publishedAt: publishedAtOf(envelope.metadata.timestamp),
      logFields: { whatsappMessageId: whatsapp_message_id, correlationId },
    };
  }

  dropReason(envelope: InboundEnvelope) {
    return envelope.kind === 'drop' ? { code: 'receipt_status_not_accepted', reason: envelope.dropReason } : undefined;
  }

  send(envelope: InboundEnvelope, state: DeliveryState): Promise<GenesysReceipt> {
    if (envelope.kind === 'drop') throw new Error('a dropped receipt is never sent');
    return this.sender.send(envelope, state);
  }

  /** The sender dropped the refused token as the 401 came in; the pipeline's second send fetches a fresh one. */
  refreshCredentials(): void {}

  readReceipt(stored: unknown): GenesysReceipt {
    const { genesysMessageId, conversationId, integrationId } = (typeof stored === 'object' && stored !== null ? stored : {}) as Record<
      string,
      unknown
    >;
    return {
      genesysMessageId: idOrNull(genesysMessageId),
      conversationId: idOrNull(conversationId),
      integrationId: idOrNull(integrationId) ?? '',
    };
  }

  describeReceipt({ genesysMessageId, conversationId }: GenesysReceipt) {
    return { fields: { genesysMessageId, conversationId }, warning: conversationId === null && genesysMessageId !== null };
  }

  sentEvent(envelope: InboundEnvelope, receipt: GenesysReceipt): OutcomeEvent | undefined {
    return envelope.kind === 'message' ? correlationEvent(envelope, receipt) : undefined;
  }

  failedEvent(): undefined {
    return undefined;
  }
}
