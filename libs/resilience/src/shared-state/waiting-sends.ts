import { SendPacing, SendSchedule } from './send-schedule';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The weight of the latest reading in the means of how long answers take and how late the loop wakes up. */
const READING_WEIGHT = 0.2;

interface Waiter {
  /** With the time of its slot (epoch ms, this process's clock), or undefined when let go. */
  resolve(slotAt: number | undefined): void;
  reject(error: unknown): void;
  giveUpAt: number;
}

interface Line {
  waiters: Waiter[];
  pacing: () => SendPacing;
  /** How long answers take to reach the loop, and how late its timers fire, recently (exponentially weighted means, ms). */
  answerMs: number;
  wakeLateMs: number;
}

/**
 * The requests of this replica waiting for one key's send slots, oldest first. One loop per key takes
 * the slots of the shared send schedule that are due, or will be before it can ask again (a lead of
 * twice its recent round trip and timer delay), and hands each to the oldest waiter with the slot's time; so a
 * replica asks Redis at most once per slot whatever the number waiting, and one that stalls holds no
 * more than that lead of slots meanwhile, the others taking the rest. A waiter still without a slot at
 * its `giveUpAt` (the slots went to other replicas) is let go, to wait in the broker.
 */
export class WaitingSends {
  private readonly lines = new Map<string, Line>();

  constructor(private readonly schedule: SendSchedule) {}

  /** The time of the slot taken for this request (epoch ms), or undefined when let go. `pacing` is read again at each take. */
  wait(key: string, giveUpAt: number, pacing: () => SendPacing): Promise<number | undefined> {
    return new Promise<number | undefined>((resolve, reject) => {
      const waiter = { resolve, reject, giveUpAt };
      const line = this.lines.get(key);
      if (line) {
        line.waiters.push(waiter);
        line.pacing = pacing;
        return;
      }
      const started = { waiters: [waiter], pacing, answerMs: 0, wakeLateMs: 0 };
      this.lines.set(key, started);
      void this.serve(key, started);
    });
  }

  private async serve(key: string, line: Line): Promise<void> {
    try {
      while (this.letGoOverdue(line) > 0) {
        const pacing = line.pacing();
        const askedAt = Date.now();
        const slots = await this.schedule.take(key, pacing, line.waiters.length, 2 * (line.answerMs + line.wakeLateMs));
        const answeredInMs = Date.now() - askedAt;
        line.answerMs += (answeredInMs - line.answerMs) * READING_WEIGHT;
        // Times from the ask: an answer is late mostly because this process read it late, not because Redis was slow.
        for (let i = 0; i < slots.taken; i += 1) line.waiters.shift()!.resolve(askedAt + slots.firstInMs + i * pacing.intervalMs);
        const untilNextMs = slots.nextInMs - answeredInMs;
        if (line.waiters.length > 0 && untilNextMs > 0) {
          const wakeAt = Date.now() + untilNextMs;
          await sleep(untilNextMs);
          line.wakeLateMs += (Date.now() - wakeAt - line.wakeLateMs) * READING_WEIGHT;
        }
      }
    } catch (error) {
      for (const waiter of line.waiters.splice(0)) waiter.reject(error);
    } finally {
      this.lines.delete(key);
    }
  }

  /** Lets go the oldest waiters while they are past their time (later ones were told later times); answers how many are left. */
  private letGoOverdue(line: Line): number {
    const now = Date.now();
    while (line.waiters.length > 0 && line.waiters[0].giveUpAt <= now) line.waiters.shift()!.resolve(undefined);
    return line.waiters.length;
  }
}
