import { Inject, Injectable } from '@nestjs/common';
import { growingLruCache } from '@lib/observability';
import { RedisConnection } from './redis-connection.service';
import { RedisScript } from './redis-script';
import { SHARED_STATE_OPTIONS, SharedStateOptions } from './shared-state.options';

/**
 * One request to send for a key, in Redis's own clock (the replicas' clocks may differ). KEYS[1]: the
 * send schedule, the theoretical arrival time of the next send (a generic cell rate algorithm); KEYS[2]:
 * the return schedule, the time the next parked request comes back. ARGV: interval, burst tolerance,
 * longest wait in process (ms; -1 for none). Answers d ≥ 0: send in d ms (the slot is taken); -d: come back in d ms.
 */
const ASK_SCRIPT = new RedisScript(
  `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
local interval = tonumber(ARGV[1])
local due = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now)
local wait = math.max(0, due - tonumber(ARGV[2]) - now)
if wait <= tonumber(ARGV[3]) then
  redis.call('SET', KEYS[1], string.format('%.3f', due + interval), 'PX', math.ceil(due + interval - now) + 60000)
  return math.ceil(wait)
end
local back = math.max(tonumber(redis.call('GET', KEYS[2]) or '0'), due - tonumber(ARGV[2]))
redis.call('SET', KEYS[2], string.format('%.3f', back + interval), 'PX', math.ceil(back + interval - now) + 60000)
return -math.max(1, math.ceil(back - now))`,
  2,
);

/** A key's schedules, kept while in use. */
const IDLE_MS = 10 * 60_000;

/** One send every `intervalMs`, the first `burst` of an idle key at once. */
export interface SendPacing {
  intervalMs: number;
  burst: number;
}

/** Send in `inMs` (0: now), the slot taken; or come back in `inMs`, holding nothing (`park`). */
export interface SendAnswer {
  inMs: number;
  park: boolean;
}

interface LocalSchedules {
  sendAt: number;
  returnAt: number;
}

/**
 * Each key's sends, for every replica alike, in Redis. A request takes the next slot of the key's send
 * schedule, one interval after the last, if it comes within `maxRateLimitWaitMs`, and waits for it in
 * process; so the replicas together send at the pace, however the broker spreads the messages among
 * them. Otherwise it is given a time to come back, from a second schedule at the same pace that starts
 * where the send schedule ends, and waits in the broker holding nothing: it takes a send slot when it
 * comes back, so a return delayed on its way through the broker costs no capacity, only the wait. Without
 * Redis each replica keeps both on its own at its share (the interval times `expectedReplicas`, its
 * share of the burst).
 */
@Injectable()
export class SendSchedule {
  private readonly local = growingLruCache<string, LocalSchedules>(100_000, { ttl: IDLE_MS });

  constructor(
    private readonly redis: RedisConnection,
    @Inject(SHARED_STATE_OPTIONS) private readonly options: SharedStateOptions,
  ) {}

  /** `inProcess`: false to be given a time to come back whatever the wait. */
  async ask(key: string, pacing: SendPacing, inProcess = true): Promise<SendAnswer> {
    const maxWaitMs = inProcess ? this.options.maxRateLimitWaitMs : -1;
    const answer = await this.redis.withFallback(
      async (redis) => {
        const keys = [`${this.options.keyPrefix}slot:${key}`, `${this.options.keyPrefix}return:${key}`];
        return Number(await ASK_SCRIPT.run(redis, [...keys, pacing.intervalMs, (pacing.burst - 1) * pacing.intervalMs, maxWaitMs]));
      },
      () => this.askLocally(key, pacing, maxWaitMs),
    );
    return { inMs: Math.abs(answer), park: answer < 0 };
  }

  /** The script's answer, for this replica alone, at its share. */
  private askLocally(key: string, pacing: SendPacing, maxWaitMs: number): number {
    const replicas = this.options.expectedReplicas;
    const intervalMs = pacing.intervalMs * replicas;
    const toleranceMs = (Math.max(1, Math.floor(pacing.burst / replicas)) - 1) * intervalMs;
    const now = Date.now();
    const schedules = this.local.get(key) ?? { sendAt: 0, returnAt: 0 };
    const due = Math.max(schedules.sendAt, now);
    const wait = Math.max(0, due - toleranceMs - now);
    if (wait <= maxWaitMs) {
      this.local.set(key, { ...schedules, sendAt: due + intervalMs }, { ttl: IDLE_MS });
      return Math.ceil(wait);
    }
    const back = Math.max(schedules.returnAt, due - toleranceMs);
    this.local.set(key, { ...schedules, returnAt: back + intervalMs }, { ttl: Math.max(IDLE_MS, Math.ceil(back + intervalMs - now)) });
    return -Math.max(1, Math.ceil(back - now));
  }
}
