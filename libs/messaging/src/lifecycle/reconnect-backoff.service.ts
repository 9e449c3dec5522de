import { AmqpConnection } from '@golevelup/nestjs-rabbitmq';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { MetricFactory } from '@lib/observability';
import { Gauge } from 'prom-client';

const FIRST_WAIT_SECONDS = 1;
const MAX_WAIT_SECONDS = 30;

/**
 * amqp-connection-manager reconnects after a fixed pause. This doubles the pause after each failed
 * attempt (1 s, 2 s, 4 s … 30 s) and resets it once connected, logs each change of connection state
 * once, and exports it as `broker_connected`. It reads the manager's `reconnectTimeInSeconds` right
 * after emitting `connectFailed`, so setting it there takes effect for the next wait.
 */
@Injectable()
export class ReconnectBackoff implements OnApplicationBootstrap {
  private readonly logger = new Logger('RabbitMQ');
  private readonly connected: Gauge;

  constructor(
    private readonly amqp: AmqpConnection,
    metrics: MetricFactory,
  ) {
    this.connected = metrics.gauge('broker_connected', '1 while connected to RabbitMQ, else 0');
  }

  onApplicationBootstrap(): void {
    const manager = this.amqp.managedConnection as unknown as NodeJS.EventEmitter & { reconnectTimeInSeconds: number };
    manager.reconnectTimeInSeconds = FIRST_WAIT_SECONDS;
    this.connected.set(this.amqp.connected ? 1 : 0);
    manager.on('connect', () => {
      manager.reconnectTimeInSeconds = FIRST_WAIT_SECONDS;
      this.connected.set(1);
      this.logger.log({ event: 'broker_connected' });
    });
    manager.on('disconnect', ({ err }: { err?: Error }) => {
      this.connected.set(0);
      this.logger.error({ event: 'broker_disconnected', reason: err?.message });
    });
    manager.on('connectFailed', () => {
      manager.reconnectTimeInSeconds = Math.min(manager.reconnectTimeInSeconds * 2, MAX_WAIT_SECONDS);
    });
  }
}
