import { busiestWindow, MetaGraphSimulator, RecordedRequest, ServiceProcess } from '@lib/testing';
import request from 'supertest';
import { EgressSandbox } from './egress-sandbox';

type BusinessNumber = { phoneNumberId: string };

/** The most requests Meta accepted in any sliding one-second window. */
export function busiestSecond(requests: RecordedRequest[]): number {
  return busiestWindow(
    requests.map((r) => r.receivedAt),
    1000,
  );
}

/** A counter of a tenant from the metrics of the in-process service or a replica. */
async function tenantCounter(service: EgressSandbox | ServiceProcess, series: string): Promise<number> {
  const text =
    service instanceof EgressSandbox
      ? (await request(service.app.getHttpServer()).get('/metrics')).text
      : await (await fetch(`${service.url}/metrics`)).text();
  return Number(new RegExp(`${series} (\\d+)`).exec(text)?.[1] ?? 0);
}

/** How many times messages of a tenant were parked for their rate limit, from the metrics of the in-process service or a replica. */
export function parkedCount(service: EgressSandbox | ServiceProcess, tenantId: string): Promise<number> {
  return tenantCounter(service, `messages_retried_total\\{tenant="${tenantId}",category="THROTTLED"\\}`);
}

/** Rate-limit slots a starved process woke up to too late and gave up, each parking its message once more. */
export function missedSlots(service: EgressSandbox | ServiceProcess, tenantId: string): Promise<number> {
  return tenantCounter(service, `rate_limit_slots_missed_total\\{tenant="${tenantId}"\\}`);
}

/**
 * The pauses between consecutive sends (arrival times at Meta) longer than `overMs`: how many, and the
 * time they held beyond one interval of the pace, in ms. A pause that every replica's stall makes at
 * once is time the shared schedule cannot give back without bunching the sends after it.
 */
export function pausesBetweenSends(arrivals: number[], overMs: number, intervalMs: number): { count: number; lostMs: number } {
  const times = [...arrivals].sort((a, b) => a - b);
  const pauses = times
    .slice(1)
    .map((time, i) => time - times[i])
    .filter((gap) => gap > overMs);
  return { count: pauses.length, lostMs: pauses.reduce((sum, gap) => sum + gap - intervalMs, 0) };
}

/** The sends of a number Meta accepted. */
export const sentBy = (meta: MetaGraphSimulator, number: BusinessNumber): RecordedRequest[] =>
  meta.accepted().filter((r) => r.phoneNumberId === number.phoneNumberId);

/**
 * How many of a number's calls Meta refused with 130429, and the most the pacing may cause. Sends are
 * paced at the limit, so one that a loaded service writes late can share Meta's sliding second with
 * the sends of the next window, whatever the rate. A refused send is retried, never lost; the bound is
 * the share of refusals the benchmark allows one number at its limit. Each refusal also lowers the
 * number's pace, and the messages holding slots of the old pace are parked again: once per message
 * while no call is refused, once more per refusal at most.
 */
export function refusalsOf(meta: MetaGraphSimulator, number: BusinessNumber) {
  const refused = meta.requests.filter((r) => r.phoneNumberId === number.phoneNumberId && r.errorCode === 130429).length;
  return {
    refused,
    allowed: Math.ceil((sentBy(meta, number).length + refused) * 0.01),
    parkBound: (messages: number) => messages * (1 + refused),
  };
}

/** The adaptive pace's decreases a replica logged (`rate_limit_pace_lowered`): strikes, and lessons (the rest). */
export function paceDecreases(replica: ServiceProcess): { strikes: number; lessons: number } {
  const decreases = replica
    .output()
    .split('\n')
    .filter((line) => line.includes('rate_limit_pace_lowered'));
  const strikes = decreases.filter((line) => /"strikes":\d/.test(line)).length;
  return { strikes, lessons: decreases.length - strikes };
}
