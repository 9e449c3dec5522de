import { randomBytes, randomUUID } from 'node:crypto';

/** An attachment of a customer's message, in the current request model's terms. */
export interface InboundAttachmentSample {
  mediaType: 'Image' | 'Video' | 'Audio' | 'File' | 'Link';
  url: string;
  mime: string;
  filename?: string;
  text?: string;
}

/** The customer a message comes from; a plain string is a WhatsApp number (`idType: Phone`). */
export interface InboundCustomerSample {
  id: string;
  idType?: 'Phone' | 'Email' | 'Opaque';
  nickname?: string;
  firstName?: string;
  lastName?: string;
}

interface InboundMetadataOverrides {
  tenantId: string;
  whatsappMessageId?: string;
  correlationId?: string;
  /** ISO-8601 date-time or epoch milliseconds; now by default. */
  timestamp?: string | number;
  retryCount?: number;
}

/**
 * A customer's message: the current request shape by default, or the legacy normalized shape upstream
 * still publishes, which names the tenant's integration in `channel.to.id`.
 */
export type InboundEnvelopeOverrides = InboundMetadataOverrides & {
  from?: string | InboundCustomerSample;
  /** `Hello` unless attachments are given. */
  text?: string;
  attachments?: InboundAttachmentSample[];
  /** `channel.time`; now by default. */
  time?: string;
  customAttributes?: Record<string, string>;
} & ({ legacy?: false; integrationId?: undefined } | { legacy: true; integrationId: string });

export interface InboundReceiptOverrides extends InboundMetadataOverrides {
  /** The Genesys id of the agent's message the receipt is about; 32 random hex digits by default. */
  genesysMessageId?: string;
  /** The customer the agent's message went to. */
  customerId?: string;
  /** `Delivered` by default; anything else a publisher might send (`Read`, `delivered`) too. */
  status?: string;
  reasons?: Array<{ code?: string; message: string }>;
  /** Named as `channel.id`, as the outbound webhook's message does. */
  integrationId?: string;
  time?: string;
}

const DEFAULT_CUSTOMER = '4915112345678';

/** A WhatsApp message id of the shape Meta issues. */
export function sampleWhatsappMessageId(): string {
  return `wamid.${randomBytes(30).toString('base64url')}`;
}

/** A valid `inbound-processed` envelope of a customer's message. */
export function inboundEnvelope(overrides: InboundEnvelopeOverrides) {
  const whatsappMessageId = overrides.whatsappMessageId ?? sampleWhatsappMessageId();
  const from = customerOf(overrides.from);
  const time = overrides.time ?? new Date().toISOString();
  const text = overrides.text ?? (overrides.attachments?.length ? undefined : 'Hello');
  const attachments = overrides.attachments ?? [];
  const customAttributes = overrides.customAttributes ? { metadata: { customAttributes: overrides.customAttributes } } : {};
  const genesysPayload = overrides.legacy
    ? {
        id: randomUUID(),
        channel: {
          platform: 'Open',
          type: 'Private',
          messageId: whatsappMessageId,
          to: { id: overrides.integrationId },
          from,
          time,
          ...customAttributes,
        },
        type: 'Text',
        ...(text !== undefined ? { text } : {}),
        ...(attachments.length ? { content: attachments.map((attachment) => ({ contentType: 'Attachment', attachment })) } : {}),
        direction: 'Inbound',
      }
    : {
        channel: { messageId: whatsappMessageId, from, time, ...customAttributes },
        ...(text !== undefined ? { text } : {}),
        ...(attachments.length ? { content: attachments.map((attachment) => ({ attachment })) } : {}),
      };
  return { metadata: metadataOf(overrides, whatsappMessageId), genesysPayload };
}

/** A valid `inbound-processed` envelope of a receipt: how WhatsApp delivered an agent's message. */
export function inboundReceipt(overrides: InboundReceiptOverrides) {
  const whatsappMessageId = overrides.whatsappMessageId ?? sampleWhatsappMessageId();
  return {
    metadata: metadataOf(overrides, whatsappMessageId),
    genesysPayload: {
      id: overrides.genesysMessageId ?? randomBytes(16).toString('hex'),
      channel: {
        ...(overrides.integrationId ? { id: overrides.integrationId } : {}),
        to: { id: overrides.customerId ?? DEFAULT_CUSTOMER, idType: 'Phone' },
        time: overrides.time ?? new Date().toISOString(),
      },
      type: 'Receipt',
      status: overrides.status ?? 'Delivered',
      ...(overrides.reasons ? { reasons: overrides.reasons } : {}),
      isFinalReceipt: true,
    },
  };
}

function metadataOf(overrides: InboundMetadataOverrides, whatsappMessageId: string) {
  return {
    tenantId: overrides.tenantId,
    whatsapp_message_id: whatsappMessageId,
    timestamp: overrides.timestamp ?? new Date().toISOString(),
    correlationId: overrides.correlationId ?? randomUUID(),
    ...(overrides.retryCount !== undefined ? { retryCount: overrides.retryCount } : {}),
  };
}

function customerOf(from: string | InboundCustomerSample | undefined): InboundCustomerSample {
  if (typeof from === 'object') return { idType: 'Phone', ...from };
  return { id: from ?? DEFAULT_CUSTOMER, idType: 'Phone' };
}
