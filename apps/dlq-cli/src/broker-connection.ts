import { redactUrl } from '@lib/messaging/publishing/redact-url.util';
import * as amqplib from 'amqplib';
import { BrokerError } from './dlq-errors';

const NOT_FOUND = 404;

/** A connection of the tool's own, named so that it can be told apart in the management UI. */
export async function connectToBroker(url: string, timeoutMs: number): Promise<amqplib.ChannelModel> {
  try {
    const connection = await amqplib.connect(url, { timeout: timeoutMs, clientProperties: { connection_name: 'dlq-cli' } });
    // A broker-side close also arrives as an 'error' event; the failing operation reports it.
    connection.on('error', () => undefined);
    return connection;
  } catch (error) {
    throw new BrokerError(`cannot connect to RabbitMQ at ${redactUrl(url)}: ${withoutUrl((error as Error).message, url)}`);
  }
}

/** Runs `operation`, turning a missing queue (the channel closed with 404) into a clear BrokerError. */
export async function onQueue<T>(queue: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if ((error as { code?: number }).code === NOT_FOUND) throw new BrokerError(`queue '${queue}' does not exist on this broker/vhost`);
    throw error;
  }
}

function withoutUrl(message: string, url: string): string {
  return message.split(url).join(redactUrl(url));
}
