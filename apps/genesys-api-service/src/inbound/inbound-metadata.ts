import { TENANT_ID_PATTERN } from '@lib/messaging';
import { FieldReader, Problems } from './field-reader';
import { InboundMetadata } from './inbound-envelope.types';
import { parseIsoDateTime } from '@lib/contracts';

/** Meta's ids are about 60 characters; the bound keeps dead-letter headers, ledger keys and log lines small. */
export const MAX_WHATSAPP_MESSAGE_ID_LENGTH = 256;
/** Visible ASCII only: the id goes into headers, Redis keys and log lines, where nothing may split or add one. */
export const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** `wamid.` and base64 (standard or URL-safe, with padding); some publishers join parts with dots. */
const WHATSAPP_MESSAGE_ID = /^wamid\.[A-Za-z0-9+/=_.-]+$/;

/** The envelope's metadata with only the fields the service knows, or undefined (and problems) when it is not valid. */
export function readMetadata(raw: unknown, problems: Problems): InboundMetadata | undefined {
  const metadata = FieldReader.of(raw, 'metadata', problems);
  if (!metadata) return undefined;
  // Also the last word of routing keys (`inbound.processed.{tenantId}`): a UUID never holds a dot or a wildcard.
  const tenantId = metadata.requiredString('tenantId', { test: (v) => UUID.test(v) && TENANT_ID_PATTERN.test(v), mustBe: 'a UUID' });
  const whatsappMessageId = metadata.requiredString('whatsapp_message_id', {
    max: MAX_WHATSAPP_MESSAGE_ID_LENGTH,
    test: (v) => WHATSAPP_MESSAGE_ID.test(v),
    mustBe: 'a WhatsApp message id (wamid. and base64 characters)',
  });
  const timestamp = readTimestamp(metadata);
  const correlationId = metadata.requiredString('correlationId', {
    max: 128,
    test: (v) => VISIBLE_ASCII.test(v),
    mustBe: 'visible ASCII characters',
  });
  const retryCount = readRetryCount(metadata);
  if (tenantId === undefined || whatsappMessageId === undefined || timestamp === undefined || correlationId === undefined) return undefined;
  if (metadata.has('retryCount') && retryCount === undefined) return undefined;
  return {
    tenantId,
    whatsapp_message_id: whatsappMessageId,
    timestamp,
    correlationId,
    ...(retryCount !== undefined ? { retryCount } : {}),
  };
}

/** As published: an ISO-8601 date-time with a zone, or epoch milliseconds. */
function readTimestamp(metadata: FieldReader): string | number | undefined {
  if (!metadata.has('timestamp')) return metadata.report('timestamp', 'is required');
  const value = metadata.get('timestamp');
  const valid = typeof value === 'string' ? parseIsoDateTime(value) !== undefined : Number.isSafeInteger(value) && (value as number) > 0;
  return valid
    ? (value as string | number)
    : metadata.report('timestamp', 'must be an ISO-8601 date-time with a zone or epoch milliseconds');
}

function readRetryCount(metadata: FieldReader): number | undefined {
  if (!metadata.has('retryCount')) return undefined;
  const value = metadata.get('retryCount');
  return Number.isSafeInteger(value) && (value as number) >= 0
    ? (value as number)
    : metadata.report('retryCount', 'must be a non-negative integer');
}
