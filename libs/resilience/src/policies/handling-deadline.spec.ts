import { withinDeadline } from './handling-deadline';

describe('withinDeadline', () => {
  const expired = () => new Error('too slow');

  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('settles as the work settles when it is in time, and leaves no timer behind', async () => {
    await expect(withinDeadline(Promise.resolve('sent'), 1000, expired)).resolves.toBe('sent');
    await expect(withinDeadline(Promise.reject(new Error('refused')), 1000, expired)).rejects.toThrow('refused');
    expect(jest.getTimerCount()).toBe(0);
  });

  it('rejects with the expiry error once the time is up, without waiting for the work', async () => {
    const never = new Promise<string>(() => undefined);
    const outcome = withinDeadline(never, 1000, expired);
    jest.advanceTimersByTime(999);
    await Promise.resolve();
    let settled = false;
    void outcome.then(
      () => (settled = true),
      () => (settled = true),
    );
    await Promise.resolve();
    expect(settled).toBe(false);
    jest.advanceTimersByTime(1);
    await expect(outcome).rejects.toThrow('too slow');
  });

  it('ignores the work settling after the deadline', async () => {
    let finish!: (value: string) => void;
    const late = new Promise<string>((resolve) => (finish = resolve));
    const outcome = withinDeadline(late, 10, expired);
    jest.advanceTimersByTime(10);
    finish('sent late');
    await expect(outcome).rejects.toThrow('too slow');
  });
});
