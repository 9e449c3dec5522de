/** Request bodies of Open Messaging's per-integration endpoints, as this service fills them: the modelled fields only. */

export const ID_TYPES = ['Phone', 'Email', 'Opaque'] as const;
export type OpenIdType = (typeof ID_TYPES)[number];

export const MEDIA_TYPES = ['Image', 'Video', 'Audio', 'File', 'Link'] as const;
export type OpenMediaType = (typeof MEDIA_TYPES)[number];

/** The only statuses `/inbound/open/receipt` supports. */
export const RECEIPT_STATUSES = ['Delivered', 'Failed'] as const;
export type OpenReceiptStatus = (typeof RECEIPT_STATUSES)[number];

/** The customer a message comes from (`OpenMessagingFromRecipient`). */
export interface OpenMessagingFrom {
  id: string;
  idType: OpenIdType;
  nickname?: string;
  firstName?: string;
  lastName?: string;
}

/** `OpenContentAttachment`: Genesys fetches `url` itself. */
export interface OpenContentAttachment {
  mediaType: OpenMediaType;
  url: string;
  mime: string;
  filename?: string;
  text?: string;
}

/** `OpenInboundNormalizedMessage` for `POST …/{integrationId}/inbound/open/message`. */
export interface OpenInboundMessage {
  channel: {
    from: OpenMessagingFrom;
    /** UTC, `yyyy-MM-ddTHH:mm:ss.mmmZ`. */
    time: string;
    /** The provider's id of the message: the WhatsApp message id. */
    messageId?: string;
    /** Where Genesys reads custom attributes (participant data); the SDK type does not model it. */
    metadata?: { customAttributes: Record<string, string> };
  };
  text?: string;
  content?: Array<{ attachment: OpenContentAttachment }>;
}

/** `OpenInboundNormalizedReceipt` for `POST …/{integrationId}/inbound/open/receipt`. */
export interface OpenInboundReceipt {
  /** The Genesys id of the agent's message the receipt is about. */
  id: string;
  /** `to` is the customer the agent's message went to. */
  channel: { to: { id: string; idType?: OpenIdType }; time: string };
  status: OpenReceiptStatus;
  reasons?: Array<{ code?: string; message: string }>;
  isFinalReceipt: true;
}
