import { EventEmitter } from 'node:events';
import { BrokerFlowControl } from '../lifecycle/broker-flow-control.service';
import { ConfirmDeadline } from './confirm-deadline';

/** A stand-in for the tracker: only `blocked` and `onChange` are used by the deadline. */
class FakeFlow extends EventEmitter {
  blocked = false;
  set(blocked: boolean): void {
    this.blocked = blocked;
    this.emit('change', blocked);
  }
  onChange(listener: (blocked: boolean) => void): () => void {
    this.on('change', listener);
    return () => this.off('change', listener);
  }
}

describe(ConfirmDeadline.name, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function start(timeoutMs = 1000) {
    const flow = new FakeFlow();
    const deadline = new ConfirmDeadline(flow as unknown as BrokerFlowControl, timeoutMs);
    let outcome: 'pending' | 'confirmed' | Error = 'pending';
    let confirm!: () => void;
    void deadline.race(new Promise<void>((resolve) => (confirm = resolve))).then(
      () => (outcome = 'confirmed'),
      (error: Error) => (outcome = error),
    );
    return { flow, deadline, confirm: () => confirm(), outcome: () => outcome };
  }

  it('gives up on a confirm that does not come while the broker accepts publishes', async () => {
    const { outcome } = start();
    await jest.advanceTimersByTimeAsync(999);
    expect(outcome()).toBe('pending');
    await jest.advanceTimersByTimeAsync(1);
    expect((outcome() as Error).message).toMatch(/no confirm within 1000 ms/);
  });

  it('does not run while the broker blocks publishes, and restarts in full when the block ends', async () => {
    const { flow, confirm, outcome } = start();
    await jest.advanceTimersByTimeAsync(900);
    flow.set(true);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(outcome()).toBe('pending');
    flow.set(false);
    await jest.advanceTimersByTimeAsync(999);
    expect(outcome()).toBe('pending');
    confirm();
    await jest.advanceTimersByTimeAsync(0);
    expect(outcome()).toBe('confirmed');
  });

  it('starts stopped when created during a block', async () => {
    const flow = new FakeFlow();
    flow.set(true);
    const deadline = new ConfirmDeadline(flow as unknown as BrokerFlowControl, 1000);
    let failed = false;
    void deadline.race(new Promise(() => undefined)).catch(() => (failed = true));
    await jest.advanceTimersByTimeAsync(5000);
    expect(failed).toBe(false);
    flow.set(false);
    await jest.advanceTimersByTimeAsync(1000);
    expect(failed).toBe(true);
  });

  it('stops watching the flow once cancelled', async () => {
    const { flow, deadline, outcome } = start();
    deadline.cancel();
    flow.set(true);
    flow.set(false);
    expect(flow.listenerCount('change')).toBe(0);
    await jest.advanceTimersByTimeAsync(5000);
    expect(outcome()).toBe('pending');
  });
});
