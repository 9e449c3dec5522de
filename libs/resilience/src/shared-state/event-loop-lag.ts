import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

const RESOLUTION_MS = 10;
/** How long a lag is remembered: the last one to two of these. */
const MEMORY_MS = 1000;
/** Reading the histogram's mean walks its buckets: every request of a busy replica asks, so the reading is kept this long. */
const READ_EVERY_MS = 100;

/**
 * How late this process's event loop runs its callbacks now: the mean delay of a 10 ms timer over the
 * last one to two seconds. A request this process writes while its loop lags leaves later than it was
 * decided, bunched with the requests decided after it.
 */
@Injectable()
export class EventLoopLag implements OnModuleDestroy {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  private previousMs = 0;
  private rotatedAt = Date.now();
  private readMs = 0;
  private readAt = 0;

  constructor() {
    this.histogram.enable();
  }

  /** In ms; 0 on a loop that keeps time. */
  recentMs(): number {
    const now = Date.now();
    if (now - this.readAt < READ_EVERY_MS) return this.readMs;
    if (now - this.rotatedAt >= MEMORY_MS) {
      this.previousMs = this.currentMs();
      this.histogram.reset();
      this.rotatedAt = now;
    }
    this.readMs = Math.max(this.previousMs, this.currentMs());
    this.readAt = now;
    return this.readMs;
  }

  onModuleDestroy(): void {
    this.histogram.disable();
  }

  private currentMs(): number {
    return this.histogram.count === 0 ? 0 : Math.max(0, this.histogram.mean / 1e6 - RESOLUTION_MS);
  }
}
