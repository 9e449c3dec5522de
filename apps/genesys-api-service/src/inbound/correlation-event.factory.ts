import { GENESYS_CORRELATION_EVENTS_QUEUE } from '@lib/contracts';
import { OutcomeEvent } from '@lib/messaging';
import { InboundMessageEnvelope } from './inbound-envelope.types';

/** What Genesys answered to a message: its own message id and the conversation the message landed in. */
export interface GenesysReceipt {
  /** The Genesys message id (the answer's `id`). */
  genesysMessageId: string | null;
  /** The conversation (the answer's `conversationId`, or its message details'); null when Genesys never said. */
  conversationId: string | null;
  /** The tenant's integration the message was posted to. */
  integrationId: string;
}

/**
 * `status: "created"` for a customer's message that reached Genesys, on the durable `correlation-events`
 * queue, so agents' replies can be routed back. Required: the message is acked only once the broker has
 * confirmed it; a redelivery republishes it from the ledger's receipt, without a second Genesys call.
 */
export function correlationEvent(envelope: InboundMessageEnvelope, receipt: GenesysReceipt): OutcomeEvent {
  const { tenantId, whatsapp_message_id, correlationId } = envelope.metadata;
  return {
    exchange: '',
    routingKey: GENESYS_CORRELATION_EVENTS_QUEUE.name,
    required: true,
    payload: {
      tenantId,
      conversationId: receipt.conversationId,
      genesysMessageId: receipt.genesysMessageId,
      integrationId: receipt.integrationId,
      whatsapp_message_id,
      customerId: envelope.customerId,
      status: 'created',
      correlationId,
      timestamp: new Date().toISOString(),
    },
  };
}
