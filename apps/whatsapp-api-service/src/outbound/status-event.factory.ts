import { DeliveryError } from '@lib/resilience';
import { MetaSendReceipt } from '../meta/meta-send-receipt';
import { OutcomeEvent } from '@lib/messaging';
import { OutboundEnvelope } from './envelope-parser';
import { WHATSAPP_OUTBOUND_QUEUE, whatsappStatusRoutingKey } from '@lib/contracts';

interface StatusIdentity {
  tenantId: string;
  internalId: string;
  phoneNumberId?: string;
  correlationId?: string;
  recipient?: string;
}

export function identityOf(envelope: OutboundEnvelope): StatusIdentity {
  const to = envelope.wabaPayload.to;
  return {
    tenantId: envelope.metadata.tenantId,
    internalId: envelope.metadata.internalId,
    phoneNumberId: envelope.metadata.phoneNumberId,
    correlationId: envelope.metadata.correlationId,
    recipient: typeof to === 'string' ? to : undefined,
  };
}

function statusEvent(identity: StatusIdentity, payload: Record<string, unknown>): OutcomeEvent {
  return {
    exchange: WHATSAPP_OUTBOUND_QUEUE.exchange,
    routingKey: whatsappStatusRoutingKey(identity.tenantId),
    payload: {
      internalId: identity.internalId,
      tenantId: identity.tenantId,
      phoneNumberId: identity.phoneNumberId ?? null,
      correlationId: identity.correlationId ?? null,
      recipient: identity.recipient ?? null,
      ...payload,
      timestamp: new Date().toISOString(),
    },
  };
}

/**
 * `status: "sent"`. `wamid` is null for a mark-as-read, which Meta answers without one, and for a send
 * whose 2xx carried none (`reason` says so); `messageStatus` is Meta's `message_status` when it gave one.
 */
export function sentEvent(identity: StatusIdentity, sent: MetaSendReceipt, attempts: number): OutcomeEvent {
  return statusEvent(identity, { status: 'sent', wamid: sent.wamid, messageStatus: sent.messageStatus, reason: sent.reason, attempts });
}

export function failedEvent(identity: StatusIdentity, error: DeliveryError, attempts: number): OutcomeEvent {
  return statusEvent(identity, {
    status: 'failed',
    error: {
      category: error.category,
      code: error.details.code ?? null,
      subcode: error.details.subcode ?? null,
      message: error.message,
      fbtraceId: error.details.traceId ?? null,
    },
    attempts,
  });
}
