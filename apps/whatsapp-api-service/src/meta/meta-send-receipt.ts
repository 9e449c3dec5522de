import { SentRecord } from '@lib/resilience';
import { MetaSendResponse } from './types/meta-graph.types';

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
export function sendReceiptOf(body: unknown, expectsMessageId: boolean): SentRecord {
  const message = firstMessageOf(body);
  const wamid = typeof message?.id === 'string' && WAMID.test(message.id) ? message.id : null;
  const status = message?.message_status;
  const messageStatus = typeof status === 'string' && MESSAGE_STATUS.test(status) ? status : null;
  const reason =
    wamid === null && expectsMessageId
      ? `Meta's 2xx answer carried no message id (${whatIsMissing(body)}); the message was sent, its wamid is unknown`
      : null;
  return { wamid, messageStatus, reason };
}

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
