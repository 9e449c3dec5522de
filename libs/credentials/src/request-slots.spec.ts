import { RequestSlots, RequestSlotsBusyError } from './request-slots';

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe(RequestSlots.name, () => {
  it('runs at most `limit` tasks at once and the others in arrival order as slots free up', async () => {
    const slots = new RequestSlots(2, 60_000);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const gates = Array.from({ length: 6 }, gate);
    const results = gates.map((g, i) =>
      slots.run(async () => {
        started.push(i);
        most = Math.max(most, ++running);
        await g.opened;
        running -= 1;
        return i;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    for (const g of gates) g.open();
    expect(await Promise.all(results)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    expect(most).toBe(2);
  });

  it('frees the slot of a task that failed', async () => {
    const slots = new RequestSlots(1, 60_000);
    await expect(slots.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(slots.run(() => Promise.resolve('next'))).resolves.toBe('next');
  });

  it('gives up on a wait longer than `maxWaitMs` without running the task, and lets later callers in', async () => {
    const slots = new RequestSlots(1, 20);
    const held = gate();
    const first = slots.run(() => held.opened);
    const task = jest.fn();
    await expect(slots.run(task)).rejects.toBeInstanceOf(RequestSlotsBusyError);
    expect(task).not.toHaveBeenCalled();
    held.open();
    await first;
    await expect(slots.run(() => Promise.resolve('after'))).resolves.toBe('after');
  });
});
