import { Logger } from '@nestjs/common';
import * as amqplib from 'amqplib';
import { redactUrl } from '../publishing/redact-url.util';
import { TopologyMismatchError } from './topology-mismatch.error';
import { QueueDeclaration, retryQueueDeclarations, workQueueDeclaration, WorkQueueTopology } from './work-queue-topology';

const PRECONDITION_FAILED = 406;

/**
 * Declares a work-queue topology idempotently, so several replicas can start at once. Uses a
 * connection of its own: a refused declaration closes the channel it ran on, and we want that error
 * to stop start-up with a clear message rather than send the shared connection into a reconnect loop.
 */
export class TopologyDeclarer {
  private readonly logger = new Logger(TopologyDeclarer.name);

  constructor(
    private readonly uri: string,
    private readonly connectTimeoutMs: number,
  ) {}

  async declare(topology: WorkQueueTopology): Promise<void> {
    const connection = await this.connectWithinDeadline();
    // A refused declaration also arrives as an 'error' event; the rejected promise reports it.
    connection.on('error', () => undefined);
    try {
      const channel = await connection.createChannel();
      channel.on('error', () => undefined);
      await channel.assertExchange(topology.exchange, 'topic', { durable: true });
      await channel.assertExchange(topology.deadLetterExchange, 'topic', { durable: true });
      await this.assertQueue(channel, { name: topology.deadLetterQueue, arguments: {} });
      await channel.bindQueue(topology.deadLetterQueue, topology.deadLetterExchange, topology.deadLetterRoutingKey);
      await this.assertQueue(channel, workQueueDeclaration(topology));
      await channel.bindQueue(topology.queue, topology.exchange, topology.bindingKey);
      for (const queue of [...retryQueueDeclarations(topology), ...(topology.durableQueues ?? [])]) {
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
      try {
        return await amqplib.connect(this.uri);
      } catch (error) {
        const reason = (error as Error).message;
        if (Date.now() >= deadline) {
          throw new Error(`Cannot reach RabbitMQ at ${redactUrl(this.uri)} after ${attempt} attempts: ${reason}`, { cause: error });
        }
        this.logger.warn(`RabbitMQ at ${redactUrl(this.uri)} not reachable (${reason}); retrying`);
        await new Promise((resolve) => setTimeout(resolve, Math.min(500 * 2 ** (attempt - 1), 5000)));
      }
    }
  }
}
