import { VendorResponse } from '@lib/vendor-http';
import { GenesysErrorBody } from './types/genesys-error.types';
import { MessageData, OpenMessageNormalizedMessage } from './types/open-messaging.types';

/**
 * Genesys ids (32 hex digits for messages, UUIDs for conversations and correlation ids) in a shape safe
 * for a URL path, a log line and a broker header; anything else in their place is not trusted.
 */
const GENESYS_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const idOrUndefined = (value: unknown): string | undefined => (typeof value === 'string' && GENESYS_ID.test(value) ? value : undefined);

/** A field of a JSON answer, named after its model, its value still to be checked. */
const fieldOf = <T>(body: unknown, field: keyof T & string): unknown =>
  typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>)[field] : undefined;

/**
 * The id Genesys support traces a request by: the `ININ-Correlation-Id` header, or the error body's
 * `contextId` when a proxy dropped the header.
 */
export function genesysContextIdOf({ headers, body }: Pick<VendorResponse, 'headers' | 'body'>): string | undefined {
  return idOrUndefined(headers['inin-correlation-id']) ?? idOrUndefined(fieldOf<GenesysErrorBody>(body, 'contextId'));
}

/** The ids in the 200 answer to an inbound message; undefined when it has no usable message id. */
export interface OpenMessageIds {
  /** `id`: the Genesys MESSAGE id (what receipts and the details look-up refer to), never a conversation id. */
  messageId: string;
  /** `conversationId`: present only when the call asked for `prefetchConversationId=true`. */
  conversationId?: string;
}

export function openMessageIdsOf(body: unknown): OpenMessageIds | undefined {
  const messageId = idOrUndefined(fieldOf<OpenMessageNormalizedMessage>(body, 'id'));
  if (messageId === undefined) return undefined;
  const conversationId = idOrUndefined(fieldOf<OpenMessageNormalizedMessage>(body, 'conversationId'));
  return conversationId === undefined ? { messageId } : { messageId, conversationId };
}

/** `conversationId` of a `MessageData` answer (message details); undefined when it has none. */
export function detailsConversationIdOf(body: unknown): string | undefined {
  return idOrUndefined(fieldOf<MessageData>(body, 'conversationId'));
}
