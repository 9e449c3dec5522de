/**
 * Messages waiting a short while for a slot of their tenant's full bulkhead, first come first served.
 * A tenant's backlog is then handled from the prefetch as its slots free, instead of each message going
 * back to the broker at once, to come back a second later to a bulkhead that is full again. Bounded in
 * number and in time, so the rest of the prefetch stays free for other tenants' messages (each tenant
 * has waiters of its own, so none waits behind another tenant's).
 */
export class BulkheadWaiters {
  private readonly queue: Array<() => void> = [];

  constructor(
    private readonly capacity: number,
    private readonly maxWaitMs: number,
  ) {}

  get size(): number {
    return this.queue.length;
  }

  /** True once a slot was released for this caller; false at once when `capacity` already wait, or after `maxWaitMs`. */
  turn(): Promise<boolean> {
    if (this.queue.length >= this.capacity) return Promise.resolve(false);
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.queue.splice(this.queue.indexOf(wake), 1);
        resolve(false);
      }, this.maxWaitMs);
      this.queue.push(wake);
    });
  }

  /** A slot was released: the longest waiter takes it. */
  released(): void {
    this.queue.shift()?.();
  }
}
