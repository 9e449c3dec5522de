import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

const RESOLUTION_MS = 10;
/** How long a stall is remembered: long enough to span the next stall of a busy host. */
const MEMORY_MS = 15_000;

/**
 * The longest recent event-loop stall of this process. A request written just before a stall reaches
 * the vendor after it, bunched with the requests written after it: paced sends that were a window
 * apart here arrive closer together there, by up to the stall.
 */
@Injectable()
export class EventLoopStalls implements OnModuleDestroy {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  private previousMaxMs = 0;
  private rotatedAt = Date.now();

  constructor() {
    this.histogram.enable();
  }

  /** The longest stall within the last 15 to 30 seconds, in ms (0 on a quiet loop). */
  recentMaxMs(): number {
    const currentMaxMs = Math.max(0, this.histogram.max / 1e6 - RESOLUTION_MS);
    if (Date.now() - this.rotatedAt >= MEMORY_MS) {
      this.previousMaxMs = currentMaxMs;
      this.histogram.reset();
      this.rotatedAt = Date.now();
    }
    return Math.max(this.previousMaxMs, currentMaxMs);
  }

  onModuleDestroy(): void {
    this.histogram.disable();
  }
}
