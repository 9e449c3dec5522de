import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import { TenantServiceHealthIndicator } from '@lib/credentials';
import { RabbitMqHealthIndicator } from '@lib/messaging';
import { RedisHealthIndicator } from '@lib/resilience';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly rabbitmq: RabbitMqHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly tenantService: TenantServiceHealthIndicator,
  ) {}

  /** The process answers; no dependency is checked, so a broker outage never restarts the pod. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** 503 while the service cannot do its job (no broker connection); Redis or the tenant service down is reported as degraded. */
  @Get('ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check([() => this.rabbitmq.isHealthy(), () => this.redis.isHealthy(), () => this.tenantService.isHealthy()]);
  }
}
