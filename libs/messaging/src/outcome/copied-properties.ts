import { ConsumeMessage, MessageProperties, Options } from 'amqplib';

/** Headers the broker owns; a republished copy must not carry stale ones. */
const BROKER_HEADERS = [
  'x-death',
  'x-first-death-exchange',
  'x-first-death-queue',
  'x-first-death-reason',
  'x-last-death-exchange',
  'x-last-death-queue',
  'x-last-death-reason',
];

/** The publisher's own properties of a consumed message (amqplib types them `any`), those that are set. */
export function publisherPropertiesOf(properties: MessageProperties): Options.Publish {
  const own: Options.Publish = {
    contentType: properties.contentType as string | undefined,
    contentEncoding: properties.contentEncoding as string | undefined,
    messageId: properties.messageId as string | undefined,
    correlationId: properties.correlationId as string | undefined,
    timestamp: properties.timestamp as number | undefined,
    type: properties.type as string | undefined,
    appId: properties.appId as string | undefined,
    priority: properties.priority as number | undefined,
    replyTo: properties.replyTo as string | undefined,
  };
  return Object.fromEntries(Object.entries(own).filter(([, value]) => value !== undefined));
}

/** The original message's properties, for a copy republished elsewhere with `headers` added. */
export function copiedProperties(message: ConsumeMessage, headers: Record<string, unknown>): Options.Publish {
  const kept: Record<string, unknown> = { ...(message.properties.headers ?? {}) };
  for (const header of BROKER_HEADERS) delete kept[header];
  return { ...publisherPropertiesOf(message.properties), headers: { ...kept, ...headers } };
}
