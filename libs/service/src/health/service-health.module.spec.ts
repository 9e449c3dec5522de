import { Global, INestApplication, Injectable, Logger, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { HealthIndicatorResult } from '@nestjs/terminus';
import { TenantServiceHealthIndicator } from '@lib/credentials';
import { RabbitMqHealthIndicator } from '@lib/messaging';
import { RedisHealthIndicator } from '@lib/resilience';
import request from 'supertest';
import { ReadinessIndicator } from './readiness-indicator';
import { ServiceHealthModule } from './service-health.module';

/** A check whose answer each test sets: a result, or an error to throw. */
class ScriptedIndicator implements ReadinessIndicator {
  answer: 'up' | 'down' | 'degraded' | Error = 'up';

  isHealthy(key: string): HealthIndicatorResult {
    if (this.answer instanceof Error) throw this.answer;
    if (this.answer === 'degraded') return { [key]: { status: 'up', mode: 'degraded', note: 'slow' } };
    return { [key]: { status: this.answer } };
  }
}

@Injectable()
class AppOwnIndicator extends ScriptedIndicator {}

const rabbitmq = new ScriptedIndicator();
const redis = new ScriptedIndicator();
const tenantService = new ScriptedIndicator();
const appOwn = new AppOwnIndicator();

/** What the messaging, shared-state and credentials modules export in a real service. */
@Global()
@Module({
  providers: [
    { provide: RabbitMqHealthIndicator, useValue: rabbitmq },
    { provide: RedisHealthIndicator, useValue: redis },
    { provide: TenantServiceHealthIndicator, useValue: tenantService },
    { provide: AppOwnIndicator, useValue: appOwn },
  ],
  exports: [RabbitMqHealthIndicator, RedisHealthIndicator, TenantServiceHealthIndicator, AppOwnIndicator],
})
class IndicatorsModule {}

describe('ServiceHealthModule', () => {
  let app: INestApplication;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    Logger.overrideLogger(false);
    const moduleRef = await Test.createTestingModule({
      imports: [IndicatorsModule, ServiceHealthModule.forRoot({ extraIndicators: [{ key: 'accountHolds', indicator: AppOwnIndicator }] })],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });

  afterAll(() => app.close());

  beforeEach(() => {
    for (const indicator of [rabbitmq, redis, tenantService, appOwn]) indicator.answer = 'up';
  });

  it('answers liveness without asking any indicator', async () => {
    rabbitmq.answer = new Error('must not be asked');
    await http().get('/health/live').expect(200, { status: 'ok' });
  });

  it('reports RabbitMQ, the shared checks and the app’s own, in that order', async () => {
    tenantService.answer = 'degraded';
    const response = await http().get('/health/ready').expect(200);
    expect(Object.keys(response.body.details)).toEqual(['rabbitmq', 'redis', 'tenantService', 'accountHolds']);
    expect(response.body.details.tenantService).toEqual({ status: 'up', mode: 'degraded', note: 'slow' });
  });

  it('is not ready (503) while RabbitMQ is down, or its check fails', async () => {
    rabbitmq.answer = 'down';
    expect((await http().get('/health/ready').expect(503)).body.details.rabbitmq).toEqual({ status: 'down' });
    rabbitmq.answer = new Error('channel gone');
    expect((await http().get('/health/ready').expect(503)).body.details.rabbitmq).toEqual({
      status: 'down',
      reason: 'the check itself failed; see the service log',
    });
  });

  it('stays ready when any other check is down or fails, reporting it as degraded without its error', async () => {
    redis.answer = 'down';
    tenantService.answer = new Error('secret-bearing failure');
    appOwn.answer = new Error('store unavailable');
    const response = await http().get('/health/ready').expect(200);
    expect(response.body.details).toEqual({
      rabbitmq: { status: 'up' },
      redis: { status: 'up', mode: 'degraded' },
      tenantService: { status: 'up', mode: 'degraded', note: 'the check itself failed; see the service log' },
      accountHolds: { status: 'up', mode: 'degraded', note: 'the check itself failed; see the service log' },
    });
    expect(JSON.stringify(response.body)).not.toContain('secret-bearing');
  });
});
