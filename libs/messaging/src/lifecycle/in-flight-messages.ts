import { Injectable } from '@nestjs/common';

/** The messages being handled right now, so shutdown can wait for them to settle. */
@Injectable()
export class InFlightMessages {
  private readonly pending = new Set<Promise<unknown>>();

  track<T>(handling: Promise<T>): Promise<T> {
    this.pending.add(handling);
    void handling.finally(() => this.pending.delete(handling)).catch(() => undefined);
    return handling;
  }

  get count(): number {
    return this.pending.size;
  }

  /** Resolves true once every tracked message has settled, false if `timeoutMs` passed first. */
  async drained(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const settled = (async () => {
      while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
      return true;
    })();
    try {
      return await Promise.race([settled, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }
}
