import { AmqpConnection } from '@golevelup/nestjs-rabbitmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { MetricFactory } from '@lib/observability';
import type { ChannelWrapper } from 'amqp-connection-manager';
import { Gauge } from 'prom-client';
import { MESSAGING_OPTIONS } from '../messaging.constants';
import { MessagingOptions } from '../messaging.options';
import { retryQueueName } from '../topology/work-queue-topology';

const SAMPLE_EVERY_MS = 15_000;

/**
 * Exports `queue_depth{queue}` for the work, dead-letter and retry queues and the queues the service
 * publishes to (a consumer that stopped reading them shows there), read with a passive
 * declare (no management plugin) every 15 s, on a channel of its own: a failed check (a queue deleted
 * by hand) closes only that channel, which is reopened.
 */
@Injectable()
export class QueueDepthMonitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('QueueDepth');
  private readonly depth: Gauge<'queue'>;
  private channel?: ChannelWrapper;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly amqp: AmqpConnection,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
    metrics: MetricFactory,
  ) {
    this.depth = metrics.gauge('queue_depth', 'Messages ready in a queue (passive declare)', ['queue']);
  }

  onApplicationBootstrap(): void {
    this.channel = this.amqp.managedConnection.createChannel({ name: 'queue-depth', confirm: false });
    this.channel.on('error', () => undefined);
    void this.channel.waitForConnect().then(
      () => this.sample(),
      () => undefined,
    );
    this.timer = setInterval(() => void this.sample(), SAMPLE_EVERY_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.channel?.close().catch(() => undefined);
  }

  private async sample(): Promise<void> {
    const { topology } = this.options;
    const queues = [
      topology.queue,
      topology.deadLetterQueue,
      ...topology.retryDelayTiersMs.map((tier) => retryQueueName(topology, tier)),
      ...(topology.durableQueues ?? []).map((queue) => queue.name),
    ];
    for (const queue of queues) {
      try {
        const { messageCount } = await this.channel!.checkQueue(queue);
        this.depth.set({ queue }, messageCount);
      } catch (error) {
        this.logger.debug({ event: 'queue_depth_unavailable', queue, reason: (error as Error).message });
      }
    }
  }
}
