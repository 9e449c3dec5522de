/**
 * Open Messaging request and response models of the per-integration endpoints, as the Genesys SDKs
 * define them (enums from the SDKs' allowed values). The service sends only these fields: the deprecated
 * `/inbound/open` shape's `channel.platform`, `channel.type`, `channel.to`, `id`, `type` and
 * `direction` are not part of the current request models.
 */

export const ID_TYPES = ['Phone', 'Email', 'Opaque'] as const;
export type OpenIdType = (typeof ID_TYPES)[number];

export const MEDIA_TYPES = ['Image', 'Video', 'Audio', 'File', 'Link'] as const;
export type OpenMediaType = (typeof MEDIA_TYPES)[number];

/** The customer, as Genesys shows them to the agent. */
export interface OpenMessagingFromRecipient {
  id: string;
  idType: OpenIdType;
  nickname?: string;
  firstName?: string;
  lastName?: string;
  /** URL of the customer's picture. */
  image?: string;
  email?: string;
}

export interface OpenMessagingToRecipient {
  id: string;
  idType?: OpenIdType;
  nickname?: string;
  firstName?: string;
  lastName?: string;
  image?: string;
  email?: string;
}

/** A file Genesys fetches from `url` (reachable by Genesys, https). */
export interface OpenContentAttachment {
  /** The provider's id of the attachment, e.g. a media id. */
  id?: string;
  mediaType: OpenMediaType;
  url: string;
  /** IANA media type, e.g. `image/jpeg`. */
  mime: string;
  /** The caption. */
  text?: string;
  sha256?: string;
  filename?: string;
}

export interface OpenInboundMessageContent {
  attachment: OpenContentAttachment;
}

/**
 * `channel.metadata`: the SDK models only `subType`; integrations in use put participant data under
 * `customAttributes` (a nested object under the top-level `metadata` map is refused with a 400).
 */
export interface OpenInboundChannelMetadata {
  customAttributes?: Record<string, string>;
}

export interface OpenInboundMessageChannel {
  from: OpenMessagingFromRecipient;
  /** ISO-8601 UTC, `yyyy-MM-ddTHH:mm:ss[.mmm]Z`. */
  time: string;
  /** The provider's id of the message: the WhatsApp `wamid`. */
  messageId?: string;
  metadata?: OpenInboundChannelMetadata;
}

/**
 * Body of `POST /api/v2/conversations/messages/{integrationId}/inbound/open/message`: `text` and/or
 * `content` is required.
 */
export type OpenInboundNormalizedMessage = {
  channel: OpenInboundMessageChannel;
  text?: string;
  content?: OpenInboundMessageContent[];
  /** String values only: Genesys refuses anything else with a 400. */
  metadata?: Record<string, string>;
};

/**
 * The answer to an inbound message. `id` is the Genesys MESSAGE id, never the conversation's;
 * `conversationId` is there only when the call asked for `prefetchConversationId=true`.
 */
export interface OpenMessageNormalizedMessage {
  id?: string;
  channel: {
    /** The integration id. */
    id?: string;
    platform?: 'Open';
    type?: 'Private';
    messageId?: string;
    to: OpenMessagingToRecipient;
    from: OpenMessagingFromRecipient;
    time: string;
    metadata?: Record<string, unknown>;
  };
  type: 'Text';
  text?: string;
  content?: Array<{ contentType: 'Attachment'; attachment?: OpenContentAttachment }>;
  metadata?: Record<string, string>;
  conversationId?: string;
}

/** The two statuses the inbound receipt endpoint takes (`Read` and the others are not for it). */
export const RECEIPT_STATUSES = ['Delivered', 'Failed'] as const;
export type OpenReceiptStatus = (typeof RECEIPT_STATUSES)[number];

export interface OpenReceiptReason {
  code?: string;
  message: string;
}

/**
 * Body of `POST /api/v2/conversations/messages/{integrationId}/inbound/open/receipt`: the delivery
 * status on WhatsApp of an agent's message.
 */
export type OpenInboundNormalizedReceipt = {
  /** The Genesys message id of the agent's message this receipt is about. */
  id: string;
  /** `to` is the customer the agent's message went to. */
  channel: { to: OpenMessagingToRecipient; time: string };
  status: OpenReceiptStatus;
  reasons?: OpenReceiptReason[];
  isFinalReceipt?: boolean;
};

/** `GET /api/v2/conversations/messages/{messageId}/details`: a message with the conversation it belongs to. */
export interface MessageData {
  id: string;
  conversationId?: string;
  providerMessageId?: string;
  timestamp?: string;
  fromAddress?: string;
  toAddress?: string;
  direction?: 'inbound' | 'outbound';
  messengerType?: string;
  textBody?: string;
  status?: string;
}
