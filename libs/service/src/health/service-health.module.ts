import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { TenantServiceHealthIndicator } from '@lib/credentials';
import { RedisHealthIndicator } from '@lib/resilience';
import { ReadinessIndicator, ReportedIndicator } from './readiness-indicator';
import { REPORTED_INDICATORS, ResolvedIndicator, ServiceHealthController } from './service-health.controller';

/** Reported by every egress service, after RabbitMQ and before the app's own. */
const SHARED_INDICATORS: ReportedIndicator[] = [
  { key: 'redis', indicator: RedisHealthIndicator },
  { key: 'tenantService', indicator: TenantServiceHealthIndicator },
];

export interface ServiceHealthOptions {
  /** The app's own checks, reported after the shared ones; like them, they never fail readiness. */
  extraIndicators?: ReportedIndicator[];
}

/**
 * `GET /health/live` and `GET /health/ready`. Needs the messaging, shared-state and credentials
 * modules, whose indicators it reports, and whatever modules provide the app's extra indicators.
 */
@Module({})
export class ServiceHealthModule {
  static forRoot(options: ServiceHealthOptions = {}): DynamicModule {
    const reported = [...SHARED_INDICATORS, ...(options.extraIndicators ?? [])];
    return {
      module: ServiceHealthModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [ServiceHealthController],
      providers: [
        {
          provide: REPORTED_INDICATORS,
          useFactory: (...indicators: ReadinessIndicator[]): ResolvedIndicator[] =>
            reported.map(({ key }, index) => ({ key, indicator: indicators[index] })),
          inject: reported.map(({ indicator }) => indicator),
        },
      ],
    };
  }
}
