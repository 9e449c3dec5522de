/** At most `limit` events per key in any window of `windowMs`, as Meta counts throughput. */
export class SlidingWindowLimiter {
  private readonly events = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  tryTake(key: string, now = Date.now()): boolean {
    let recent = this.events.get(key);
    if (!recent) {
      recent = [];
      this.events.set(key, recent);
    }
    while (recent.length > 0 && now - recent[0] >= this.windowMs) recent.shift();
    if (recent.length >= this.limit) return false;
    // Arrival times may come a little out of order (bodies finish reading in any order): keep them sorted.
    let at = recent.length;
    while (at > 0 && recent[at - 1] > now) at -= 1;
    recent.splice(at, 0, now);
    return true;
  }
}
