import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import { RabbitMqHealthIndicator } from '@lib/messaging';
import { decisive, ReadinessIndicator, reportOnly } from './readiness-indicator';

export const REPORTED_INDICATORS = Symbol('REPORTED_INDICATORS');

export interface ResolvedIndicator {
  key: string;
  indicator: ReadinessIndicator;
}

@Controller('health')
export class ServiceHealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly rabbitmq: RabbitMqHealthIndicator,
    @Inject(REPORTED_INDICATORS) private readonly reported: ResolvedIndicator[],
  ) {}

  /** The process answers; no dependency is checked, so a broker outage never restarts the pod. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * 503 while the service cannot do its job (no broker connection). Every other check (Redis, the
   * tenant service, the app's own) is reported in the details, as `degraded` when it fails: none of
   * them stops the service from delivering.
   */
  @Get('ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check([
      () => decisive('rabbitmq', this.rabbitmq),
      ...this.reported.map(
        ({ key, indicator }) =>
          () =>
            reportOnly(key, indicator),
      ),
    ]);
  }
}
