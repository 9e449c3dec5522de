import { Injectable } from '@nestjs/common';
import { CredentialsCache } from '@lib/credentials';
import { DeliveryHooks, MessageIdentity, publishedAtOf, RefusedMessage } from '@lib/delivery';
import { DeliveryState, OutcomeEvent } from '@lib/messaging';
import { DeliveryError } from '@lib/resilience';
import { WhatsappCredentials } from '../credentials/whatsapp-credentials';
import { MetaSendReceipt, storedSendReceiptOf } from '../meta/meta-send-receipt';
import { AccountHoldGate } from './account-hold-gate.service';
import { EnvelopeParser, internalIdOf, OutboundEnvelope } from './envelope-parser';
import { MetaSender } from './meta-sender.service';
import { failedEvent, identityOf, sentEvent } from './status-event.factory';

/** What the delivery pipeline needs of Meta: the envelope, the send, the status events. */
@Injectable()
export class WhatsappDeliveryHooks implements DeliveryHooks<OutboundEnvelope, MetaSendReceipt> {
  readonly vendor = 'Meta';
  readonly messageIdLogField = 'internalId';

  constructor(
    private readonly parser: EnvelopeParser,
    private readonly sender: MetaSender,
    private readonly credentials: CredentialsCache<WhatsappCredentials>,
    private readonly accountHolds: AccountHoldGate,
  ) {}

  check(json: unknown) {
    return this.parser.check(json);
  }

  messageIdOf(json: unknown): string | undefined {
    return internalIdOf(json);
  }

  identify({ metadata, wabaPayload, messageType }: OutboundEnvelope): MessageIdentity {
    const { tenantId, internalId, correlationId } = metadata;
    const to = wabaPayload.to;
    return {
      tenantId,
      messageId: internalId,
      messageType,
      // A conversation is a tenant and a recipient; mark-as-read requests have no recipient and need no order.
      conversationKey: typeof to === 'string' ? `${tenantId}:${to.replace(/\D/g, '')}` : undefined,
      publishedAt: publishedAtOf(metadata.timestamp),
      logFields: { internalId, correlationId },
    };
  }

  send(envelope: OutboundEnvelope, state: DeliveryState): Promise<MetaSendReceipt> {
    return this.sender.send(envelope, state);
  }

  refreshCredentials(envelope: OutboundEnvelope): void {
    this.credentials.invalidate(envelope.metadata.tenantId);
  }

  readReceipt(stored: unknown): MetaSendReceipt {
    return storedSendReceiptOf(stored);
  }

  describeReceipt({ wamid, messageStatus, reason }: MetaSendReceipt) {
    return { fields: { wamid, messageStatus: messageStatus ?? undefined, reason: reason ?? undefined }, warning: reason !== null };
  }

  sentEvent(envelope: OutboundEnvelope, receipt: MetaSendReceipt, attempts: number): OutcomeEvent {
    return sentEvent(identityOf(envelope), receipt, attempts);
  }

  failedEvent(message: OutboundEnvelope | RefusedMessage, error: DeliveryError, attempts: number): OutcomeEvent {
    const identity = 'metadata' in message ? identityOf(message) : { tenantId: message.tenantId, internalId: message.messageId };
    return failedEvent(identity, error, attempts);
  }

  expiryReason(envelope: OutboundEnvelope) {
    return this.accountHolds.holdBehind(envelope.metadata.tenantId);
  }
}
