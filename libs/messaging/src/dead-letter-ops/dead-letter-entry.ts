import { MessageProperties } from 'amqplib';
import { DeadLetterHeader, DeliveryHeader } from '../outcome/delivery-headers';
import { tenantOfRoutingKey } from '../outcome/tenant-of-routing-key.util';
import { DeadLetterShape } from './dead-letter-shape';
import { ReplayHeader } from './replay-headers';

/** Category of an entry the broker dead-lettered by itself (a handler defect, an expired TTL) without our reason headers. */
export const BROKER_CATEGORY_PREFIX = 'BROKER_';
/** Category of an entry with neither our reason headers nor the broker's `x-death`. */
export const UNKNOWN_CATEGORY = 'UNKNOWN';

/** One message of a dead-letter queue, read best effort: a malformed entry is described, never refused. */
export interface DeadLetterEntry {
  /** 1-based place in the queue when the scan started. */
  position: number;
  /** The service's id of the message, from the header or metadata field its `DeadLetterShape` names. */
  messageId?: string;
  tenantId?: string;
  /** `x-error-category`, else `BROKER_<x-death reason>` (e.g. `BROKER_REJECTED`), else `UNKNOWN`. */
  category: string;
  reason?: string;
  code?: string;
  attempts?: number;
  /** When it was dead-lettered (ISO-8601), from `x-failed-at` or the broker's `x-death` time. */
  failedAt?: string;
  /**
   * The routing key a replay publishes with: `x-original-routing-key`, else the broker's `x-death`
   * routing key, else the service's work routing key for the tenant in `x-tenant-id`. Without one the
   * entry cannot be replayed.
   */
  originalRoutingKey?: string;
  replayCount: number;
  /** Message properties other than headers, as published. */
  properties: Partial<Omit<MessageProperties, 'headers'>>;
  /** Every header, with binary and timestamp values made printable. */
  headers: Record<string, unknown>;
  body: DeadLetterBody;
  /** What is wrong with the entry (unparseable body, missing headers), for the operator. */
  problems: string[];
}

export interface DeadLetterBody {
  bytes: number;
  /** The parsed body when it is JSON. */
  json?: unknown;
  /** The body as text when it is not JSON (invalid UTF-8 shown with replacement characters). */
  text?: string;
}

/** The parts of an amqplib message this reads; both `GetMessage` and `ConsumeMessage` fit. */
export interface RawDeadLetter {
  content: Buffer;
  properties: MessageProperties;
}

export function describeDeadLetter(message: RawDeadLetter, position: number, shape: DeadLetterShape): DeadLetterEntry {
  const rawHeaders = message.properties.headers ?? {};
  const problems: string[] = [];
  const body = parseBody(message.content, problems);
  const metadata = metadataOf(body.json);
  const death = firstDeath(rawHeaders);
  const originalRoutingKey =
    text(rawHeaders[DeliveryHeader.ORIGINAL_ROUTING_KEY]) ??
    text(death?.['routing-keys']?.[0]) ??
    workRoutingKeyOf(text(rawHeaders[DeadLetterHeader.TENANT_ID]), shape);
  const category = text(rawHeaders[DeadLetterHeader.CATEGORY])?.toUpperCase() ?? brokerCategory(death) ?? UNKNOWN_CATEGORY;
  if (!rawHeaders[DeadLetterHeader.CATEGORY]) problems.push(`no ${DeadLetterHeader.CATEGORY} header`);
  if (!originalRoutingKey) problems.push(`no ${DeliveryHeader.ORIGINAL_ROUTING_KEY} header nor x-death routing key: cannot be replayed`);
  const { headers: _headers, ...properties } = message.properties;
  return {
    position,
    messageId: text(rawHeaders[shape.messageIdHeader]) ?? text(metadata?.[shape.messageIdField]),
    tenantId:
      text(rawHeaders[DeadLetterHeader.TENANT_ID]) ??
      text(metadata?.tenantId) ??
      (originalRoutingKey ? tenantOfRoutingKey(originalRoutingKey) : undefined),
    category,
    reason:
      text(rawHeaders[DeadLetterHeader.MESSAGE]) ??
      (death ? `dead-lettered by the broker (${text(death.reason) ?? 'unknown reason'}) from '${text(death.queue) ?? '?'}'` : undefined),
    code: text(rawHeaders[DeadLetterHeader.CODE]),
    attempts: count(rawHeaders[DeliveryHeader.ATTEMPTS]),
    failedAt: isoTime(rawHeaders[DeadLetterHeader.FAILED_AT]) ?? isoTime(death?.time),
    originalRoutingKey,
    replayCount: count(rawHeaders[ReplayHeader.COUNT]) ?? 0,
    properties: Object.fromEntries(Object.entries(properties).filter(([, value]) => value !== undefined)),
    headers: printable(rawHeaders) as Record<string, unknown>,
    body,
    problems,
  };
}

function parseBody(content: Buffer, problems: string[]): DeadLetterBody {
  const decoded = new TextDecoder('utf-8', { fatal: false }).decode(content);
  try {
    return { bytes: content.length, json: JSON.parse(decoded) };
  } catch {
    problems.push(content.length === 0 ? 'empty body' : 'body is not JSON');
    return { bytes: content.length, text: decoded };
  }
}

/** A tenant id is one word of a routing key: a dot, a wildcard or a space would route the copy elsewhere or nowhere. */
const ROUTING_KEY_WORD = /^[^.*#\s]+$/;

/** The routing key the service's publishers use for the tenant the service recorded, when it is one routing-key word. */
function workRoutingKeyOf(recordedTenant: string | undefined, shape: DeadLetterShape): string | undefined {
  return recordedTenant && ROUTING_KEY_WORD.test(recordedTenant) ? `${shape.workRoutingKeyPrefix}${recordedTenant}` : undefined;
}

function metadataOf(json: unknown): Record<string, unknown> | undefined {
  const metadata = json && typeof json === 'object' ? (json as Record<string, unknown>).metadata : undefined;
  return metadata && typeof metadata === 'object' ? (metadata as Record<string, unknown>) : undefined;
}

interface DeathRecord {
  reason?: unknown;
  queue?: unknown;
  time?: unknown;
  'routing-keys'?: unknown[];
}

function firstDeath(headers: Record<string, unknown>): DeathRecord | undefined {
  const deaths = headers['x-death'];
  return Array.isArray(deaths) && deaths[0] && typeof deaths[0] === 'object' ? (deaths[0] as DeathRecord) : undefined;
}

function brokerCategory(death: DeathRecord | undefined): string | undefined {
  const reason = text(death?.reason);
  return reason ? `${BROKER_CATEGORY_PREFIX}${reason.toUpperCase()}` : undefined;
}

function text(value: unknown): string | undefined {
  if (Buffer.isBuffer(value)) value = value.toString('utf8');
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function count(value: unknown): number | undefined {
  const parsed = Number(text(value));
  return Number.isInteger(parsed) && parsed >= 0 ? parsed : undefined;
}

/** ISO strings as they are; AMQP timestamps (seconds) and epoch milliseconds converted. */
function isoTime(value: unknown): string | undefined {
  const timestamp = amqpTimestampSeconds(value);
  if (timestamp !== undefined) return new Date(timestamp * 1000).toISOString();
  const raw = text(value);
  if (raw === undefined) return undefined;
  const parsed = /^\d+$/.test(raw) ? new Date(Number(raw)) : new Date(raw);
  return Number.isNaN(parsed.getTime()) ? undefined : parsed.toISOString();
}

function amqpTimestampSeconds(value: unknown): number | undefined {
  const typed = value as { '!'?: unknown; value?: unknown } | undefined;
  return typed && typeof typed === 'object' && typed['!'] === 'timestamp' && typeof typed.value === 'number' ? typed.value : undefined;
}

/** Header values as JSON can show them: buffers as text, AMQP timestamps as ISO strings. */
function printable(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (typeof value === 'bigint') return value.toString();
  const seconds = amqpTimestampSeconds(value);
  if (seconds !== undefined) return new Date(seconds * 1000).toISOString();
  if (Array.isArray(value)) return value.map(printable);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, printable(inner)]));
  return value;
}
