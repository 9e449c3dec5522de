import { Logger } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import { CLOSE_GRACE_MS, exitGracefullyOnSignals, SignalledProcess } from './graceful-shutdown';

/** A process stand-in: signals are events; like Node, a signal nobody listens to would end the process. */
function fakeProcess() {
  const exit = jest.fn<void, [number]>();
  const host: EventEmitter & SignalledProcess = Object.assign(new EventEmitter(), { exit: (code: number) => exit(code) });
  return { host, exit };
}

function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('exitGracefullyOnSignals', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterEach(() => jest.useRealTimers());

  it.each(['SIGTERM', 'SIGINT'] as const)('closes the app on %s and exits 0 once it is closed', async (signal) => {
    const { host, exit } = fakeProcess();
    const closing = deferred();
    const close = jest.fn(() => closing.promise);
    exitGracefullyOnSignals({ close }, 30_000, host);

    host.emit(signal, signal);
    await settle();
    expect(close).toHaveBeenCalledTimes(1);
    expect(exit).not.toHaveBeenCalled();

    closing.resolve();
    await settle();
    expect(exit).toHaveBeenCalledWith(0);
  });

  it('keeps handling repeated signals while it drains, so a second SIGTERM does not kill the process mid-drain', async () => {
    const { host, exit } = fakeProcess();
    const closing = deferred();
    const close = jest.fn(() => closing.promise);
    exitGracefullyOnSignals({ close }, 30_000, host);

    host.emit('SIGTERM', 'SIGTERM');
    expect(host.emit('SIGTERM', 'SIGTERM')).toBe(true);
    expect(host.emit('SIGINT', 'SIGINT')).toBe(true);
    await settle();
    expect(close).toHaveBeenCalledTimes(1);
    expect(exit).not.toHaveBeenCalled();

    closing.resolve();
    await settle();
    expect(exit.mock.calls).toEqual([[0]]);
  });

  it('exits 1 when closing fails', async () => {
    const { host, exit } = fakeProcess();
    exitGracefullyOnSignals({ close: () => Promise.reject(new Error('channel closed')) }, 30_000, host);

    host.emit('SIGTERM', 'SIGTERM');
    await settle();
    expect(exit.mock.calls).toEqual([[1]]);
  });

  it('exits 1 when closing outlasts the shutdown timeout and the grace', () => {
    jest.useFakeTimers();
    const { host, exit } = fakeProcess();
    exitGracefullyOnSignals({ close: () => new Promise<void>(() => undefined) }, 30_000, host);

    host.emit('SIGTERM', 'SIGTERM');
    jest.advanceTimersByTime(30_000 + CLOSE_GRACE_MS - 1);
    expect(exit).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(exit).toHaveBeenCalledWith(1);
  });
});
