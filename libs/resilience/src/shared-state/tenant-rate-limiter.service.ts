import { Inject, Injectable } from '@nestjs/common';
import { MetricFactory, TenantLabel } from '@lib/observability';
import { Counter } from 'prom-client';
import { AdaptivePace } from './adaptive-pace.service';
import { EventLoopLag } from './event-loop-lag';
import { RateLimit, StatedLimit, statedLimit } from './rate-limit';
import { SendPacing, SendSchedule } from './send-schedule';
import { SHARED_STATE_OPTIONS, SharedStateOptions } from './shared-state.options';

/** Granted now, or: come back at `slotAt` (epoch ms), this message's turn to take a send slot. */
export type RateLimitDecision = { granted: true } | { granted: false; slotAt: number };

const GRANTED: RateLimitDecision = { granted: true };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Pace 4 % under the limit: vendors count arrivals, and the network and the event loop add jitter. */
const PACING_MARGIN = 1.04;
/** The most of a window a lagging event loop may add to its spacing (a quarter: a fifth less throughput at worst). */
const MAX_LAG_SHARE = 0.25;

interface Pacing extends SendPacing {
  /** A slot woken up to later than this (ms) is given up: sent late, it would bunch with the next ones. */
  latenessMs: number;
}

/**
 * The margin (40 ms of each second) is split: half is left to the network; the other half holds a
 * burst (at most half of it) and the lateness of a wake-up. A replica whose event loop lags writes its
 * requests later than it decides them, bunched with the ones after: it spaces its slots wider by its
 * lag's share of the window, which leaves room for its requests to arrive that much later, and accepts
 * that much more lateness. No window of the vendor's sees more than the limit.
 */
function pacingOf(stated: StatedLimit, count: number, lagMs: number): Pacing {
  const lag = Math.min(lagMs, stated.perMs * MAX_LAG_SHARE);
  const intervalMs = (stated.perMs / count) * PACING_MARGIN * (1 + lag / stated.perMs);
  const marginMs = stated.perMs * (PACING_MARGIN - 1);
  const burst = Math.max(1, Math.min(stated.burst, 1 + Math.floor(marginMs / 2 / intervalMs)));
  return { intervalMs, burst, latenessMs: (marginMs - (burst - 1) * intervalMs) / 2 + lag };
}

/**
 * A limit of `count` requests per `perMs` on an opaque key (the caller namespaces it: `meta:{phoneNumberId}`,
 * `genesys:{tenantId}`), with up to `burst` at once, shared by every replica through `SendSchedule`
 * (Redis): a request takes the next slot of the key's one schedule, one interval (perMs / count, 4 %
 * wider) after the last, whichever replica it reached, so the replicas together use the whole limit
 * however the broker spreads the messages among them, and more replicas than expected take no more. A
 * slot within `maxRateLimitWaitMs` is waited for in process (holding one of its tenant's bulkhead slots,
 * never another tenant's); otherwise the message is given a time to come back, and waits in the broker
 * holding no slot. A slot waited for that this process wakes up to too late is given up and the message
 * is parked the same way: sent late, it would bunch with the next ones. A replica whose event loop lags
 * spaces its slots wider (`pacingOf`). A key whose schedule is idle is sent at once: it is below its
 * pace. The count is the stated one, or lower while the vendor's refusals say the key's real limit is
 * below it (`AdaptivePace`).
 */
@Injectable()
export class TenantRateLimiter {
  private readonly delayed: Counter<'tenant'>;
  private readonly missed: Counter<'tenant'>;

  constructor(
    private readonly schedule: SendSchedule,
    @Inject(SHARED_STATE_OPTIONS) private readonly options: SharedStateOptions,
    metrics: MetricFactory,
    private readonly tenantLabel: TenantLabel,
    private readonly pace: AdaptivePace,
    private readonly lag: EventLoopLag,
  ) {
    this.delayed = metrics.counter('rate_limit_delayed_total', 'Messages that waited for a rate-limit slot', ['tenant']);
    this.missed = metrics.counter(
      'rate_limit_slots_missed_total',
      'Rate-limit slots given up because this process woke up too late to use them (a starved host)',
      ['tenant'],
    );
  }

  /**
   * `tenantId` labels the metric. `returnAt`: the time this message was given to come back when it was
   * parked; earlier than 'maxRateLimitWaitMs' before it, it is parked again until then. Throws a
   * `RangeError` for a limit it cannot hold.
   */
  async acquire(tenantId: string, key: string, limit: RateLimit, returnAt?: number): Promise<RateLimitDecision> {
    const stated = statedLimit(limit);
    if (returnAt !== undefined && returnAt - Date.now() > this.options.maxRateLimitWaitMs) return { granted: false, slotAt: returnAt };
    const pacing = pacingOf(stated, this.pace.limitOf(key, stated), this.lag.recentMs());
    const answer = await this.schedule.ask(key, pacing);
    const slotAt = Date.now() + answer.inMs;
    // A key whose schedule was idle is below its pace: sent late or not, it cannot bunch past its limit.
    if (answer.inMs === 0) return GRANTED;
    this.delayed.inc({ tenant: this.tenantLabel.for(tenantId) });
    if (answer.park) return { granted: false, slotAt };
    await sleep(answer.inMs);
    if (Date.now() - slotAt <= pacing.latenessMs) return GRANTED;
    // Given up: the message waits in the broker, and whichever replica it reaches then sends it.
    this.missed.inc({ tenant: this.tenantLabel.for(tenantId) });
    const comeBack = await this.schedule.ask(key, pacing, false);
    return { granted: false, slotAt: Date.now() + comeBack.inMs };
  }

  /** A send went through: it counts towards raising a lowered pace again (no Redis call here). */
  recordSent(key: string): void {
    this.pace.recordSent(key);
  }

  /** The vendor refused a send made at `sentAt` (epoch ms) because we overshot: the key's pace is lowered for every replica. */
  recordOvershoot(key: string, sentAt: number, limit: RateLimit): Promise<void> {
    return this.pace.recordOvershoot(key, sentAt, statedLimit(limit));
  }
}
