import { readFileSync } from 'node:fs';

const CLOCK_TICKS_PER_SECOND = 100;

/** Samples a process's resident memory and CPU time from /proc (Linux) while a run goes on. */
export class ProcessSampler {
  private timer?: NodeJS.Timeout;
  private peakRssBytes = 0;
  private firstCpuTicks?: number;
  private lastCpuTicks = 0;
  private readonly startedAt = Date.now();
  readonly rssSamples: Array<{ atMs: number; rssBytes: number }> = [];

  constructor(private readonly pid: number) {}

  start(intervalMs = 250): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    return this;
  }

  stop(): { peakRssMb: number; cpuSeconds: number; cpuPercent: number } {
    clearInterval(this.timer);
    this.sample();
    const cpuSeconds = (this.lastCpuTicks - (this.firstCpuTicks ?? this.lastCpuTicks)) / CLOCK_TICKS_PER_SECOND;
    const wallSeconds = (Date.now() - this.startedAt) / 1000;
    return { peakRssMb: Math.round(this.peakRssBytes / 1048576), cpuSeconds, cpuPercent: Math.round((cpuSeconds / wallSeconds) * 100) };
  }

  private sample(): void {
    try {
      const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
      const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8').split(') ')[1].split(' ');
      const cpuTicks = Number(stat[11]) + Number(stat[12]);
      this.firstCpuTicks ??= cpuTicks;
      this.lastCpuTicks = cpuTicks;
      this.peakRssBytes = Math.max(this.peakRssBytes, rssKb * 1024);
      this.rssSamples.push({ atMs: Date.now() - this.startedAt, rssBytes: rssKb * 1024 });
    } catch {
      // The process has exited.
    }
  }
}
