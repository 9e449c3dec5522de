import { BrokerFlowControl } from '../lifecycle/broker-flow-control.service';

/**
 * Bounds a publish's wait for its confirm, counting only time in which the broker accepted publishes:
 * the clock stops while the broker blocks us, and restarts in full when the block ends (the broker then
 * works through everything it held). What it guards against is a confirm that never comes (a channel
 * or connection that died without telling us), not a slow broker.
 */
export class ConfirmDeadline {
  private timer?: NodeJS.Timeout;
  private readonly stopWatching: () => void;
  private readonly expired: Promise<never>;
  private expire!: (error: Error) => void;

  constructor(
    private readonly flow: BrokerFlowControl,
    private readonly timeoutMs: number,
  ) {
    this.expired = new Promise<never>((_, reject) => (this.expire = reject));
    this.expired.catch(() => undefined); // settled by whichever race is running, if any
    this.stopWatching = flow.onChange(() => this.arm());
    this.arm();
  }

  /** `work`'s result, or a rejection once the deadline passes first. */
  race<T>(work: Promise<T>): Promise<T> {
    return Promise.race([work, this.expired]);
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.stopWatching();
  }

  private arm(): void {
    clearTimeout(this.timer);
    if (this.flow.blocked) return;
    this.timer = setTimeout(() => {
      this.stopWatching();
      this.expire(new Error(`no confirm within ${this.timeoutMs} ms while the broker accepted publishes`));
    }, this.timeoutMs);
  }
}
