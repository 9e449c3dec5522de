/** No slot became free within the wait allowed. */
export class RequestSlotsBusyError extends Error {
  override readonly name = 'RequestSlotsBusyError';
}

interface Waiter {
  grant: () => void;
}

/**
 * At most `limit` tasks at once. A caller beyond waits for a slot, in arrival order, at most
 * `maxWaitMs`, then gets a `RequestSlotsBusyError` and its task never runs. The number waiting is
 * bounded by the callers (messages in flight), not here.
 */
export class RequestSlots {
  private active = 0;
  private readonly waiting: Waiter[] = [];

  constructor(
    private readonly limit: number,
    private readonly maxWaitMs: number,
  ) {}

  async run<R>(task: () => Promise<R>): Promise<R> {
    await this.acquire();
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active += 1;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        reject(new RequestSlotsBusyError(`all ${this.limit} slots stayed busy for ${this.maxWaitMs} ms`));
      }, this.maxWaitMs);
      timer.unref();
      this.waiting.push(waiter);
    });
  }

  /** A freed slot passes straight to the longest waiter, so a newcomer can never overtake it. */
  private release(): void {
    const next = this.waiting.shift();
    if (next) next.grant();
    else this.active -= 1;
  }
}
