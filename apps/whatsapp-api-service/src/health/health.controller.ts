import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import { TenantServiceHealthIndicator } from '@lib/credentials';
import { RabbitMqHealthIndicator } from '@lib/messaging';
import { AccountHoldHealthIndicator, RedisHealthIndicator } from '@lib/resilience';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly rabbitmq: RabbitMqHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly tenantService: TenantServiceHealthIndicator,
    private readonly accountHolds: AccountHoldHealthIndicator,
  ) {}

  /** The process answers; no dependency is checked, so a broker outage never restarts the pod. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * 503 while the service cannot do its job (no broker connection); Redis or the tenant service down is
   * reported as degraded, and tenants whose account is on hold are listed: neither stops the others.
   */
  @Get('ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.rabbitmq.isHealthy(),
      () => this.redis.isHealthy(),
      () => this.tenantService.isHealthy(),
      () => this.accountHolds.isHealthy(),
    ]);
  }
}
