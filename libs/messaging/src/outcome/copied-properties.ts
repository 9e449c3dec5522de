import { ConsumeMessage, Options } from 'amqplib';

/** Headers the broker owns; a republished copy must not carry stale ones. */
const BROKER_HEADERS = ['x-death', 'x-first-death-exchange', 'x-first-death-queue', 'x-first-death-reason', 'x-last-death-exchange', 'x-last-death-queue', 'x-last-death-reason'];

/** The original message's properties, for a copy republished elsewhere with `headers` added. */
export function copiedProperties(message: ConsumeMessage, headers: Record<string, unknown>): Options.Publish {
  const { contentType, contentEncoding, messageId, correlationId, timestamp, type, appId, priority } = message.properties;
  const kept = { ...(message.properties.headers ?? {}) };
  for (const header of BROKER_HEADERS) delete kept[header];
  return {
    contentType,
    contentEncoding,
    messageId,
    correlationId,
    timestamp,
    type,
    appId,
    priority,
    headers: { ...kept, ...headers },
  };
}
