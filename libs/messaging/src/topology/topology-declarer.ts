import { Logger } from '@nestjs/common';
import * as amqplib from 'amqplib';
import { redactUrl } from '../publishing/redact-url.util';
import { TopologyMismatchError } from './topology-mismatch.error';
import {
  deadLetterQueueDeclaration,
  durableQueueDeclaration,
  QueueDeclaration,
  retryQueueDeclarations,
  workQueueDeclaration,
  WorkQueueTopology,
} from './work-queue-topology';

const PRECONDITION_FAILED = 406;

/**
 * Declares a work-queue topology idempotently, so several replicas can start at once. Uses a
 * connection of its own: a refused declaration closes the channel it ran on, and we want that error
 * to stop start-up with a clear message rather than send the shared connection into a reconnect loop.
 */
export class TopologyDeclarer {
  private readonly logger = new Logger(TopologyDeclarer.name);

  private readonly uris: string[];

  /** `uri`: one broker, or a cluster's nodes (the first that answers is used). */
  constructor(
    uri: string | string[],
    private readonly connectTimeoutMs: number,
  ) {
    this.uris = Array.isArray(uri) ? uri : [uri];
  }

  async declare(topology: WorkQueueTopology): Promise<void> {
    const connection = await this.connectWithinDeadline();
    // A refused declaration also arrives as an 'error' event; the rejected promise reports it.
    connection.on('error', () => undefined);
    try {
      const channel = await connection.createChannel();
      channel.on('error', () => undefined);
      await channel.assertExchange(topology.exchange, 'topic', { durable: true });
      await channel.assertExchange(topology.deadLetterExchange, 'topic', { durable: true });
      await this.assertQueue(channel, deadLetterQueueDeclaration(topology));
      await channel.bindQueue(topology.deadLetterQueue, topology.deadLetterExchange, topology.deadLetterRoutingKey);
      await this.assertQueue(channel, workQueueDeclaration(topology));
      await channel.bindQueue(topology.queue, topology.exchange, topology.bindingKey);
      const durableQueues = (topology.durableQueues ?? []).map((queue) => durableQueueDeclaration(topology, queue));
      for (const queue of [...retryQueueDeclarations(topology), ...durableQueues]) {
        await this.assertQueue(channel, queue);
      }
      await channel.close();
      this.logger.log(`Topology of '${topology.queue}' asserted with ${topology.retryDelayTiersMs.length} wait queues`);
    } finally {
      await connection.close().catch(() => undefined);
    }
  }

  private async assertQueue(channel: amqplib.Channel, queue: QueueDeclaration): Promise<void> {
    try {
      await channel.assertQueue(queue.name, { durable: true, arguments: queue.arguments });
    } catch (error) {
      const { code, message } = error as { code?: number; message: string };
      if (code === PRECONDITION_FAILED) throw TopologyMismatchError.fromBrokerMessage(queue.name, message);
      throw error;
    }
  }

  private async connectWithinDeadline(): Promise<amqplib.ChannelModel> {
    const deadline = Date.now() + this.connectTimeoutMs;
    for (let attempt = 1; ; attempt += 1) {
      const uri = this.uris[(attempt - 1) % this.uris.length];
      try {
        return await amqplib.connect(uri);
      } catch (error) {
        const reason = (error as Error).message;
        const where = this.uris.map(redactUrl).join(', ');
        if (Date.now() >= deadline) {
          throw new Error(`Cannot reach RabbitMQ at ${where} after ${attempt} attempts: ${reason}`, { cause: error });
        }
        this.logger.warn(`RabbitMQ at ${redactUrl(uri)} not reachable (${reason}); retrying`);
        // Every node of the list once before backing off.
        if (attempt % this.uris.length === 0) {
          const round = attempt / this.uris.length;
          await new Promise((resolve) => setTimeout(resolve, Math.min(500 * 2 ** (round - 1), 5000)));
        }
      }
    }
  }
}
