import { MetaSendResponse } from './types/meta-graph.types';

/** What Meta's answer said about a send, kept in the delivery ledger so a redelivered copy reports the send exactly as the first time. */
export interface MetaSendReceipt {
  /** Meta's message id; null when it gave none (a mark-as-read, or a 2xx without one). */
  wamid: string | null;
  /** Meta's status for the accepted send (`message_status`), when it gave one. */
  messageStatus: string | null;
  /** Why `wamid` is null although the send should have had one. */
  reason: string | null;
}

/** One entry of Meta's `messages`, as it may really arrive: any field missing or of another type. */
type UncheckedMessage = { [field in keyof NonNullable<MetaSendResponse['messages']>[number]]?: unknown };

/** `messages[0].message_status` values Meta documents for a template send it paces. */
export const META_MESSAGE_STATUSES = ['accepted', 'held_for_quality_assessment', 'paused'] as const;

/** Meta's message ids are `wamid.` and base64; anything else is not put into events and logs. */
const WAMID = /^[A-Za-z0-9._=+/-]{1,256}$/;
/** Documented values and any later one of the same shape (reported, not dropped). */
const MESSAGE_STATUS = /^[a-z_]{1,64}$/;

/**
 * What a 2xx answer to a send says. Any 2xx is a send, whatever its body: a body without a usable
 * message id still records the message as sent, with an unknown wamid and the reason.
 * `expectsMessageId`: false for a mark-as-read, which Meta answers with `{ "success": true }`.
 */
export function sendReceiptOf(body: unknown, expectsMessageId: boolean): MetaSendReceipt {
  const message = firstMessageOf(body);
  const wamid = validWamid(message?.id);
  const messageStatus = validStatus(message?.message_status);
  const reason =
    wamid === null && expectsMessageId
      ? `Meta's 2xx answer carried no message id (${whatIsMissing(body)}); the message was sent, its wamid is unknown`
      : null;
  return { wamid, messageStatus, reason };
}

/**
 * A receipt as the delivery ledger gave it back: the object this service stored, or the bare wamid
 * (or empty text) earlier versions stored. A record that cannot be read is still a send.
 */
export function storedSendReceiptOf(stored: unknown): MetaSendReceipt {
  if (typeof stored === 'string' && (stored === '' || WAMID.test(stored)))
    return { wamid: stored || null, messageStatus: null, reason: null };
  if (typeof stored === 'object' && stored !== null) {
    const { wamid, messageStatus, reason } = stored as Partial<Record<keyof MetaSendReceipt, unknown>>;
    return { wamid: validWamid(wamid), messageStatus: validStatus(messageStatus), reason: typeof reason === 'string' ? reason : null };
  }
  return { wamid: null, messageStatus: null, reason: 'the sent record in the delivery ledger could not be read' };
}

const validWamid = (value: unknown): string | null => (typeof value === 'string' && WAMID.test(value) ? value : null);
const validStatus = (value: unknown): string | null => (typeof value === 'string' && MESSAGE_STATUS.test(value) ? value : null);

function firstMessageOf(body: unknown): UncheckedMessage | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const messages = (body as { messages?: unknown }).messages;
  const first: unknown = Array.isArray(messages) ? messages[0] : undefined;
  return typeof first === 'object' && first !== null ? first : undefined;
}

function whatIsMissing(body: unknown): string {
  if (body === null) return 'body null';
  if (typeof body !== 'object') return 'body not JSON';
  if (!Array.isArray((body as { messages?: unknown }).messages)) return 'no messages';
  return 'no usable messages[0].id';
}
