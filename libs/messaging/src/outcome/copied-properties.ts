import { ConsumeMessage, MessageProperties, Options } from 'amqplib';
import { ServiceHeaders } from './delivery-headers';

/** Headers the broker writes when it dead-letters a message (`x-death` and its summaries). */
const isBrokerHeader = (name: string) => name === 'x-death' || name.startsWith('x-first-death-') || name.startsWith('x-last-death-');

/**
 * The headers of a consumed message that a republished copy keeps: the publisher's own, without the
 * broker's dead-letter history (stale on a copy) and without any header in this service's namespace
 * (the copy gets the service's own values; a publisher's forged ones never pass as the service's).
 */
export function publisherHeadersOf(properties: MessageProperties, service: ServiceHeaders): Record<string, unknown> {
  const headers: Record<string, unknown> = properties.headers ?? {};
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !isBrokerHeader(name) && !service.has(name)));
}

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

/** The original message's properties, for a copy republished elsewhere with the service's `headers` added. */
export function copiedProperties(message: ConsumeMessage, service: ServiceHeaders, headers: Record<string, unknown>): Options.Publish {
  return { ...publisherPropertiesOf(message.properties), headers: { ...publisherHeadersOf(message.properties, service), ...headers } };
}
