import { AmqpConnection } from '@golevelup/nestjs-rabbitmq';
import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { MESSAGING_OPTIONS } from '../messaging.constants';
import { MessagingOptions } from '../messaging.options';
import { InFlightMessages } from './in-flight-messages';

const DEFAULT_SHUTDOWN_TIMEOUT_MS = 30_000;

/**
 * On shutdown, before any connection closes: stop consuming, then let every message being handled
 * settle (sent and acked, or parked, or dead-lettered) within the shutdown timeout. Whatever is still
 * unacked after that goes back to the queue when the connection closes: nothing is lost.
 */
@Injectable()
export class GracefulShutdown implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Shutdown');

  constructor(
    private readonly amqp: AmqpConnection,
    private readonly inFlight: InFlightMessages,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {}

  async beforeApplicationShutdown(): Promise<void> {
    for (const consumerTag of this.amqp.consumerTags) {
      await this.amqp.cancelConsumer(consumerTag).catch(() => undefined);
    }
    const handling = this.inFlight.count;
    const timeoutMs = this.options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
    const drained = await this.inFlight.drained(timeoutMs);
    this.logger.log({ event: 'consumers_stopped', inFlightAtStop: handling, drained, unsettled: this.inFlight.count });
  }
}
