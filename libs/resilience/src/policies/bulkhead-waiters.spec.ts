import { BulkheadWaiters } from './bulkhead-waiters';

describe(BulkheadWaiters.name, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('gives released slots to the waiters in the order they came', async () => {
    const waiters = new BulkheadWaiters(3, 250);
    const order: string[] = [];
    const first = waiters.turn().then((got) => order.push(`first ${got}`));
    const second = waiters.turn().then((got) => order.push(`second ${got}`));
    waiters.released();
    waiters.released();
    await Promise.all([first, second]);
    expect(order).toEqual(['first true', 'second true']);
    expect(waiters.size).toBe(0);
  });

  it('refuses at once beyond its capacity, and none at all with a capacity of 0', async () => {
    const waiters = new BulkheadWaiters(1, 250);
    const waiting = waiters.turn();
    await expect(waiters.turn()).resolves.toBe(false);
    await expect(new BulkheadWaiters(0, 250).turn()).resolves.toBe(false);
    waiters.released();
    await expect(waiting).resolves.toBe(true);
  });

  it('gives up after its longest wait and leaves the line, so the next release goes to the one behind', async () => {
    const waiters = new BulkheadWaiters(2, 250);
    const early = waiters.turn();
    jest.advanceTimersByTime(100);
    const late = waiters.turn();
    jest.advanceTimersByTime(150);
    await expect(early).resolves.toBe(false);
    expect(waiters.size).toBe(1);
    waiters.released();
    await expect(late).resolves.toBe(true);
  });

  it('keeps a release with nobody waiting for nobody', async () => {
    const waiters = new BulkheadWaiters(2, 250);
    waiters.released();
    const waiting = waiters.turn();
    jest.advanceTimersByTime(250);
    await expect(waiting).resolves.toBe(false);
  });
});
