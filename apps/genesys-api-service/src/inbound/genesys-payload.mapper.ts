import { checkLegacyChannel, ID_RULE, readChannelTime } from './channel-fields';
import { FieldReader, isGiven, isObject, Problems } from './field-reader';
import { MappedMessage } from './inbound-envelope.types';
import {
  ID_TYPES,
  MEDIA_TYPES,
  OpenContentAttachment,
  OpenInboundNormalizedMessage,
  OpenMessagingFromRecipient,
} from '../genesys/types/open-messaging.types';

/** Receipts are mapped apart; naming both keeps the reason true for a publisher that sent something else. */
const PAYLOAD_TYPES = ['Text', 'Receipt'] as const;
/** Fields of the deprecated `/inbound/open` shape: checked when given, never sent (Genesys's current model has none of them). */
const LEGACY_FIELDS = ['id', 'type', 'direction'];
const LEGACY_CHANNEL_FIELDS = ['platform', 'type', 'to'];
const NAME_FIELDS = ['nickname', 'firstName', 'lastName'] as const;
/** type/subtype and optional parameters (WhatsApp voice notes are `audio/ogg; codecs=opus`): only the essence is sent. */
const MIME = /^([\w.+-]+\/[\w.+-]+)\s*(?:;.*)?$/;

/**
 * A customer's message in either shape upstream publishes (the legacy normalized message or the current
 * request) as the current `OpenInboundNormalizedMessage`, with only its modelled fields. Problems go to
 * `problems`, named by field; the result is undefined when there is any.
 */
export function mapGenesysMessage(raw: unknown, problems: Problems, whatsappMessageId?: string): MappedMessage | undefined {
  const payload = FieldReader.of(raw, 'genesysPayload', problems);
  if (!payload) return undefined;
  const before = problems.all.length;
  payload.oneOf('type', PAYLOAD_TYPES, false);
  payload.oneOf('direction', ['Inbound'], false);
  const channel = payload.object('channel', true);
  const read = channel && readChannel(channel, whatsappMessageId);
  const text = payload.optionalString('text');
  const content = readContent(payload);
  if (!isFilled(payload.get('text')) && !isFilled(payload.get('content'))) problems.add('genesysPayload', 'needs text or content');
  if (!read || problems.all.length > before) return undefined;
  return {
    kind: 'message',
    messageType: content ? 'attachment' : 'text',
    payloadShape: isLegacy(payload, channel) ? 'legacy' : 'current',
    customerId: read.channel.from.id,
    ...(read.integrationId !== undefined ? { integrationId: read.integrationId } : {}),
    message: { channel: read.channel, ...(text !== undefined ? { text } : {}), ...(content ? { content } : {}) },
  };
}

/** The channel to send; the integration a legacy `channel.to` names is kept apart for the tenant check. */
function readChannel(channel: FieldReader, whatsappMessageId?: string) {
  checkLegacyChannel(channel);
  const integrationId = channel.object('to', false)?.requiredString('id', ID_RULE);
  const from = readFrom(channel);
  const time = readChannelTime(channel);
  // The WhatsApp message id is the provider's id of the message: Genesys shows it, and it traces the message back.
  const messageId = channel.optionalString('messageId', ID_RULE) ?? whatsappMessageId;
  const customAttributes = readCustomAttributes(channel);
  if (!from || time === undefined) return undefined;
  const sent: OpenInboundNormalizedMessage['channel'] = {
    from,
    time,
    ...(messageId !== undefined ? { messageId } : {}),
    ...(customAttributes ? { metadata: { customAttributes } } : {}),
  };
  return { channel: sent, integrationId };
}

function readFrom(channel: FieldReader): OpenMessagingFromRecipient | undefined {
  const from = channel.object('from', true);
  if (!from) return undefined;
  const id = from.requiredString('id', ID_RULE);
  const idType = from.oneOf('idType', ID_TYPES, true);
  const names: Partial<Record<(typeof NAME_FIELDS)[number], string>> = {};
  for (const field of NAME_FIELDS) {
    const name = from.optionalString(field);
    if (name !== undefined) names[field] = name;
  }
  return id !== undefined && idType !== undefined ? { id, idType, ...names } : undefined;
}

/** `channel.metadata.customAttributes`, where Genesys reads participant data; its other fields are not sent. */
function readCustomAttributes(channel: FieldReader): Record<string, string> | undefined {
  const metadata = channel.object('metadata', false);
  const attributes = metadata?.object('customAttributes', false);
  if (!metadata || !attributes) return undefined;
  const entries = attributes.entries();
  if (!entries.every(([, value]) => typeof value === 'string')) return metadata.report('customAttributes', 'values must be strings');
  return entries.length > 0 ? (Object.fromEntries(entries) as Record<string, string>) : undefined;
}

/** Each item is `{ attachment }`, or the legacy `{ contentType: "Attachment", attachment }`; an empty list is no content. */
function readContent(payload: FieldReader): OpenInboundNormalizedMessage['content'] {
  const items = payload.array('content');
  if (!items || items.length === 0) return undefined;
  const attachments = items.map((item, index) => {
    const entry = payload.item('content', index, item);
    entry?.oneOf('contentType', ['Attachment'], false);
    const attachment = entry?.object('attachment', true);
    return attachment && readAttachment(attachment);
  });
  return attachments.every((attachment) => attachment !== undefined) ? attachments.map((attachment) => ({ attachment })) : undefined;
}

function readAttachment(attachment: FieldReader): OpenContentAttachment | undefined {
  const mediaType = attachment.oneOf('mediaType', MEDIA_TYPES, true);
  const url = attachment.requiredString('url', { test: isHttpsUrl, mustBe: 'an absolute https URL (Genesys fetches it)' });
  const mime = attachment.requiredString('mime', { test: (value) => MIME.test(value), mustBe: 'a MIME type (type/subtype)' });
  const filename = attachment.optionalString('filename');
  const text = attachment.optionalString('text');
  if (mediaType === undefined || url === undefined || mime === undefined) return undefined;
  return {
    mediaType,
    url,
    mime: MIME.exec(mime)![1],
    ...(filename !== undefined ? { filename } : {}),
    ...(text !== undefined ? { text } : {}),
  };
}

/** Genesys fetches attachments itself, from the public internet: in practice only over https. */
function isHttpsUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.hostname !== '';
  } catch {
    return false;
  }
}

/** Given and not empty: a wrong type counts as given (its own problem says what is wrong). */
function isFilled(value: unknown): boolean {
  return isGiven(value) && value !== '' && !(Array.isArray(value) && value.length === 0);
}

function isLegacy(payload: FieldReader, channel: FieldReader | undefined): boolean {
  const content = payload.get('content');
  return (
    LEGACY_FIELDS.some((field) => payload.has(field)) ||
    LEGACY_CHANNEL_FIELDS.some((field) => channel?.has(field)) ||
    (Array.isArray(content) && content.some((item) => isObject(item) && isGiven(item.contentType)))
  );
}
