import { AmqpConnection } from '@golevelup/nestjs-rabbitmq';
import { MetricFactory } from '@lib/observability';
import { EventEmitter } from 'node:events';
import { register } from 'prom-client';
import { BrokerFlowControl } from './broker-flow-control.service';

describe(BrokerFlowControl.name, () => {
  afterEach(() => register.clear());

  function setup() {
    const manager = new EventEmitter();
    const flow = new BrokerFlowControl(
      { managedConnection: manager } as unknown as AmqpConnection,
      new MetricFactory({ serviceName: 'flow-spec', version: '0', logLevel: 'silent' }),
    );
    flow.onApplicationBootstrap();
    const gauge = async () => (await register.getSingleMetric('flow_spec_broker_blocked')!.get()).values[0].value;
    return { manager, flow, gauge };
  }

  async function settled(promise: Promise<void>): Promise<boolean> {
    let done = false;
    void promise.then(() => (done = true));
    await new Promise((resolve) => setImmediate(resolve));
    return done;
  }

  it('tracks the block from the connection events, with the reason, and exports it as broker_blocked', async () => {
    const { manager, flow, gauge } = setup();
    expect([flow.blocked, await gauge()]).toEqual([false, 0]);
    manager.emit('blocked', { reason: 'low on memory' });
    expect([flow.blocked, flow.blockedReason, await gauge()]).toEqual([true, 'low on memory', 1]);
    manager.emit('unblocked');
    expect([flow.blocked, flow.blockedReason, await gauge()]).toEqual([false, undefined, 0]);
  });

  it('lets waiters go only when the block ends', async () => {
    const { manager, flow } = setup();
    expect(await settled(flow.whenUnblocked())).toBe(true);
    manager.emit('blocked', { reason: 'low on disk' });
    const waiting = flow.whenUnblocked();
    manager.emit('blocked', { reason: 'low on disk' });
    expect(await settled(waiting)).toBe(false);
    manager.emit('unblocked');
    expect(await settled(waiting)).toBe(true);
  });

  it('ends the block when the connection closes, since a new connection starts unblocked', async () => {
    const { manager, flow, gauge } = setup();
    manager.emit('blocked', { reason: 'low on memory' });
    const waiting = flow.whenUnblocked();
    manager.emit('disconnect', { err: new Error('CONNECTION_FORCED') });
    expect(await settled(waiting)).toBe(true);
    expect([flow.blocked, await gauge()]).toEqual([false, 0]);
  });

  it('tells listeners each change once, and not after they unsubscribe', () => {
    const { manager, flow } = setup();
    const seen: boolean[] = [];
    const stop = flow.onChange((blocked) => seen.push(blocked));
    manager.emit('blocked', { reason: 'low on memory' });
    manager.emit('blocked', { reason: 'low on memory' });
    manager.emit('unblocked');
    manager.emit('unblocked');
    stop();
    manager.emit('blocked', { reason: 'low on memory' });
    expect(seen).toEqual([true, false]);
  });
});
