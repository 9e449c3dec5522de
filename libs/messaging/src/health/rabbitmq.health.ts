import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { BrokerFlowControl } from '../lifecycle/broker-flow-control.service';
import { BrokerPublisher } from '../publishing/broker-publisher.service';

/**
 * Up while the managed connection to RabbitMQ is open (consuming and publishing are possible). A broker
 * that blocks our publishes (resource alarm) is reported as `degraded` but still up: every replica is
 * blocked alike, and restarting or unrouting this one would not help; its work waits in the queue.
 */
@Injectable()
export class RabbitMqHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly publisher: BrokerPublisher,
    private readonly flow: BrokerFlowControl,
  ) {}

  isHealthy(key = 'rabbitmq'): HealthIndicatorResult {
    const indicator = this.health.check(key);
    if (!this.publisher.connected) return indicator.down({ reason: 'not connected to RabbitMQ' });
    if (this.flow.blocked) return indicator.up({ mode: 'degraded', note: `publishes blocked by the broker: ${this.flow.blockedReason}` });
    return indicator.up();
  }
}
