import { AmqpConnection } from '@golevelup/nestjs-rabbitmq';
import { MetricFactory } from '@lib/observability';
import { EventEmitter } from 'node:events';
import { register } from 'prom-client';
import { ReconnectBackoff } from './reconnect-backoff.service';

describe(ReconnectBackoff.name, () => {
  afterEach(() => register.clear());

  function setup() {
    const manager = Object.assign(new EventEmitter(), { reconnectTimeInSeconds: 1 });
    const amqp = { managedConnection: manager, connected: true } as unknown as AmqpConnection;
    const backoff = new ReconnectBackoff(amqp, new MetricFactory({ serviceName: 'backoff-spec', version: '0', logLevel: 'silent' }));
    backoff.onApplicationBootstrap();
    const connected = async () => (await register.getSingleMetric('backoff_spec_broker_connected')!.get()).values[0].value;
    return { manager, connected };
  }

  it('doubles the pause after each failed attempt up to 30 s and resets it once connected', async () => {
    const { manager, connected } = setup();
    manager.emit('disconnect', { err: new Error('CONNECTION_FORCED') });
    expect(await connected()).toBe(0);
    const waits = Array.from({ length: 7 }, () => {
      manager.emit('connectFailed', { err: new Error('ECONNREFUSED') });
      return manager.reconnectTimeInSeconds;
    });
    expect(waits).toEqual([2, 4, 8, 16, 30, 30, 30]);
    manager.emit('connect', {});
    expect(manager.reconnectTimeInSeconds).toBe(1);
    expect(await connected()).toBe(1);
  });
});
