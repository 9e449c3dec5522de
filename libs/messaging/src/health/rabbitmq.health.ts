import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { BrokerPublisher } from '../publishing/broker-publisher.service';

/** Up while the managed connection to RabbitMQ is open (consuming and publishing are possible). */
@Injectable()
export class RabbitMqHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly publisher: BrokerPublisher,
  ) {}

  isHealthy(key = 'rabbitmq'): HealthIndicatorResult {
    const indicator = this.health.check(key);
    return this.publisher.connected ? indicator.up() : indicator.down({ reason: 'not connected to RabbitMQ' });
  }
}
