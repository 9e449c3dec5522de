import { OpenInboundNormalizedMessage, OpenInboundNormalizedReceipt } from '../genesys/types/open-messaging.types';

/** The `metadata` of an `inbound-processed` envelope: the fields the service knows, nothing else. */
export interface InboundMetadata {
  /** Also the last word of the routing key (`inbound.processed.{tenantId}`). */
  tenantId: string;
  /** The WhatsApp message the envelope is about: the delivery ledger's key and the dead letter's `x-whatsapp-message-id`. */
  whatsapp_message_id: string;
  /** When upstream processed the message, as published: an ISO-8601 date-time with a zone, or epoch milliseconds. */
  timestamp: string | number;
  correlationId: string;
  retryCount?: number;
}

/** Which `genesysPayload` shape the publisher used: a label that shows when no legacy publisher is left. */
export type PayloadShape = 'legacy' | 'current';

interface EnvelopeBase {
  metadata: InboundMetadata;
  /** The customer: who sent a message, or whom the agent's message a receipt is about went to. */
  customerId: string;
  /**
   * The integration the publisher addressed, when it named one (a legacy message's `channel.to.id`, a
   * receipt's `channel.id`). Never sent: the sender refuses the message as a tenant mismatch unless it
   * is the tenant's own integration.
   */
  integrationId?: string;
}

/** A customer's message, for `…/inbound/open/message`. */
export interface InboundMessageEnvelope extends EnvelopeBase {
  kind: 'message';
  /** Metric label: `attachment` when there is content, with or without text. */
  messageType: 'text' | 'attachment';
  payloadShape: PayloadShape;
  message: OpenInboundNormalizedMessage;
}

/** A Delivered or Failed receipt, for `…/inbound/open/receipt`. */
export interface InboundReceiptEnvelope extends EnvelopeBase {
  kind: 'receipt';
  messageType: 'receipt';
  receipt: OpenInboundNormalizedReceipt;
}

/** A well-formed receipt Genesys does not take (Read, Sent, …): acknowledged, counted and logged, never sent. */
export interface DroppedReceiptEnvelope extends EnvelopeBase {
  kind: 'drop';
  messageType: 'receipt';
  /** Names a known status, never an unrecognised value: few distinct texts, fit for a log line. */
  dropReason: string;
}

export type InboundEnvelope = InboundMessageEnvelope | InboundReceiptEnvelope | DroppedReceiptEnvelope;

type WithoutMetadata<T> = T extends unknown ? Omit<T, 'metadata'> : never;

/** What the message mapper makes of a `genesysPayload`; the envelope checker adds the metadata. */
export type MappedMessage = WithoutMetadata<InboundMessageEnvelope>;
/** What the receipt mapper makes of a `genesysPayload` of type Receipt. */
export type MappedReceipt = WithoutMetadata<InboundReceiptEnvelope | DroppedReceiptEnvelope>;
