import { Inject, Injectable } from '@nestjs/common';
import { growingLruCache } from '@lib/observability';
import { RedisConnection } from './redis-connection.service';
import { RedisScript } from './redis-script';
import { SHARED_STATE_OPTIONS, SharedStateOptions } from './shared-state.options';

const NOW_MS = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
local function store(key, at) redis.call('SET', key, string.format('%.3f', at), 'PX', math.ceil(at - now) + 60000) end`;

/**
 * One request to send for a key, in Redis's own clock (the replicas' clocks may differ). Each schedule is
 * a generic cell rate algorithm (the theoretical arrival time of the next one). KEYS[1]: the send
 * schedule, the next slot; KEYS[2]: the booked schedule, where the requests waiting in the replicas end;
 * KEYS[3]: the return schedule, the time the next parked request comes back. ARGV: interval, burst
 * tolerance, longest wait in process (ms; -1 for none). Answers 0: send now (the slot is taken); d > 0:
 * wait in process about d ms, taking a slot when one is due; -d: come back in d ms.
 */
const ASK_SCRIPT = new RedisScript(
  `${NOW_MS}
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local sendDue = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now)
local bookedDue = math.max(tonumber(redis.call('GET', KEYS[2]) or '0'), sendDue)
local wait = math.max(0, bookedDue - tolerance - now)
if wait <= tonumber(ARGV[3]) then
  store(KEYS[2], bookedDue + interval)
  if wait > 0 then return math.ceil(wait) end
  store(KEYS[1], sendDue + interval)
  return 0
end
local back = math.max(tonumber(redis.call('GET', KEYS[3]) or '0'), bookedDue - tolerance)
store(KEYS[3], back + interval)
return -math.max(1, math.ceil(back - now))`,
  3,
);

/**
 * Up to ARGV[3] slots of the send schedule (KEYS[1]) that are due now or within the lead. ARGV:
 * interval, burst tolerance, most, catch-up (ms: a slot up to that much past is still taken at its
 * time, so a timer's delay does not push every later slot back), lead (ms). Answers [slots taken, ms
 * from now to the first one's time (below 0: past), ms until the next one can be taken].
 */
const TAKE_SCRIPT = new RedisScript(
  `${NOW_MS}
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local due = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now - tonumber(ARGV[4]))
local first = due - tolerance - now
local horizon = now + tonumber(ARGV[5])
local taken = 0
while taken < tonumber(ARGV[3]) and due - tolerance <= horizon do
  due = due + interval
  taken = taken + 1
end
if taken > 0 then store(KEYS[1], due) end
return {taken, math.ceil(first), math.ceil(math.max(0, due - tolerance - horizon))}`,
  1,
);

/** A key's schedules, kept while in use. */
const IDLE_MS = 10 * 60_000;

/** One send every `intervalMs`, the first `burst` of an idle key at once; a slot taken up to `catchUpMs` late keeps its time. */
export interface SendPacing {
  intervalMs: number;
  burst: number;
  catchUpMs: number;
}

/** Send now (the slot taken); wait in process about `inMs` for a slot; or come back in `inMs`, holding nothing (`park`). */
export type Admission = { send: true } | { send: false; inMs: number; park: boolean };

/** `taken` slots, one interval apart, the first `firstInMs` from now (below 0: past); the next can be taken in `nextInMs`. */
export interface TakenSlots {
  taken: number;
  firstInMs: number;
  nextInMs: number;
}

interface LocalSchedules {
  sendAt: number;
  bookedAt: number;
  returnAt: number;
}

const SEND_NOW: Admission = { send: true };

/**
 * Each key's sends, for every replica alike, in Redis. A request sends at once if the key's send
 * schedule has a slot due and nobody waits. Otherwise, if the requests already waiting in the replicas
 * (the booked schedule) end within `maxRateLimitWaitMs`, it books a place behind them and waits in
 * process, and its replica takes a send slot for it only as one comes due (`take`, a few ms ahead): a
 * replica that stalls holds almost none, and the others take the slots it would have used. Otherwise it is given a time
 * to come back, from a third schedule at the same pace that starts where the booked one ends, and waits
 * in the broker holding nothing: it asks again when it comes back, so a return delayed on its way
 * through the broker costs no capacity, only the wait. Without Redis each replica keeps the three on
 * its own at its share (the interval times `expectedReplicas`, its share of the burst).
 */
@Injectable()
export class SendSchedule {
  private readonly local = growingLruCache<string, LocalSchedules>(100_000, { ttl: IDLE_MS });

  constructor(
    private readonly redis: RedisConnection,
    @Inject(SHARED_STATE_OPTIONS) private readonly options: SharedStateOptions,
  ) {}

  /** `inProcess`: false to be given a time to come back whatever the wait. */
  async ask(key: string, pacing: SendPacing, inProcess = true): Promise<Admission> {
    const maxWaitMs = inProcess ? this.options.maxRateLimitWaitMs : -1;
    const answer = await this.redis.withFallback(
      async (redis) => {
        const keys = [this.keyOf('slot', key), this.keyOf('booked', key), this.keyOf('return', key)];
        return Number(await ASK_SCRIPT.run(redis, [...keys, pacing.intervalMs, toleranceOf(pacing), maxWaitMs]));
      },
      () => this.askLocally(key, this.localShare(pacing), maxWaitMs),
    );
    return answer === 0 ? SEND_NOW : { send: false, inMs: Math.abs(answer), park: answer < 0 };
  }

  /** Takes up to `most` send slots that are due now or within `leadMs`, for requests admitted to wait. */
  async take(key: string, pacing: SendPacing, most: number, leadMs: number): Promise<TakenSlots> {
    const [taken, firstInMs, nextInMs] = await this.redis.withFallback(
      async (redis) => {
        const args = [this.keyOf('slot', key), pacing.intervalMs, toleranceOf(pacing), most, pacing.catchUpMs, leadMs];
        return (await TAKE_SCRIPT.run(redis, args)) as number[];
      },
      () => this.takeLocally(key, this.localShare(pacing), most, leadMs),
    );
    return { taken: Number(taken), firstInMs: Number(firstInMs), nextInMs: Number(nextInMs) };
  }

  private keyOf(schedule: 'slot' | 'booked' | 'return', key: string): string {
    return `${this.options.keyPrefix}${schedule}:${key}`;
  }

  /** This replica's share of the pacing, when it keeps the schedules alone. */
  private localShare(pacing: SendPacing): SendPacing {
    const replicas = this.options.expectedReplicas;
    return { ...pacing, intervalMs: pacing.intervalMs * replicas, burst: Math.max(1, Math.floor(pacing.burst / replicas)) };
  }

  /** The ask script's answer, for this replica alone. */
  private askLocally(key: string, pacing: SendPacing, maxWaitMs: number): number {
    const now = Date.now();
    const schedules = this.schedulesOf(key);
    const sendDue = Math.max(schedules.sendAt, now);
    const bookedDue = Math.max(schedules.bookedAt, sendDue);
    const wait = Math.max(0, bookedDue - toleranceOf(pacing) - now);
    if (wait <= maxWaitMs) {
      schedules.bookedAt = bookedDue + pacing.intervalMs;
      if (wait > 0) return this.keep(key, schedules, Math.ceil(wait));
      schedules.sendAt = sendDue + pacing.intervalMs;
      return this.keep(key, schedules, 0);
    }
    const back = Math.max(schedules.returnAt, bookedDue - toleranceOf(pacing));
    schedules.returnAt = back + pacing.intervalMs;
    return this.keep(key, schedules, -Math.max(1, Math.ceil(back - now)));
  }

  /** The take script's answer, for this replica alone. */
  private takeLocally(key: string, pacing: SendPacing, most: number, leadMs: number): number[] {
    const now = Date.now();
    const schedules = this.schedulesOf(key);
    let due = Math.max(schedules.sendAt, now - pacing.catchUpMs);
    const first = due - toleranceOf(pacing) - now;
    let taken = 0;
    for (; taken < most && due - toleranceOf(pacing) <= now + leadMs; taken += 1) due += pacing.intervalMs;
    schedules.sendAt = due;
    this.keep(key, schedules, 0);
    return [taken, Math.ceil(first), Math.ceil(Math.max(0, due - toleranceOf(pacing) - now - leadMs))];
  }

  private schedulesOf(key: string): LocalSchedules {
    return { ...(this.local.get(key) ?? { sendAt: 0, bookedAt: 0, returnAt: 0 }) };
  }

  private keep<T>(key: string, schedules: LocalSchedules, answer: T): T {
    const lastMs = Math.max(schedules.sendAt, schedules.bookedAt, schedules.returnAt) - Date.now();
    this.local.set(key, schedules, { ttl: Math.max(IDLE_MS, Math.ceil(lastMs)) });
    return answer;
  }
}

/** How far ahead of its slot a request of a burst may go. */
function toleranceOf(pacing: SendPacing): number {
  return (pacing.burst - 1) * pacing.intervalMs;
}
