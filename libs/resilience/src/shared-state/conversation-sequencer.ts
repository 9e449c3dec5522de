/**
 * A keyed FIFO lock: holders of one key take turns in the order they asked; other keys run in
 * parallel. Used so that two messages of one conversation are never in flight at once within a
 * replica, from the moment one is parsed until its outcome is settled in the broker. A holder that
 * never releases (its handling was abandoned) loses the lock after `maxHoldMs`.
 */
export class ConversationSequencer {
  private readonly tails = new Map<string, Promise<void>>();

  constructor(private readonly maxHoldMs: number) {}

  async acquire(key: string): Promise<() => void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => held);
    this.tails.set(key, tail);
    await previous;
    const timer = setTimeout(release, this.maxHoldMs);
    timer.unref();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      clearTimeout(timer);
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
  }

  get activeKeys(): number {
    return this.tails.size;
  }
}
