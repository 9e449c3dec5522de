import { busiestWindow, createTestVhost, outboundEnvelope, ServiceProcess as RunningService, TestVhost, waitUntil } from '@lib/testing';
import { genesysTenant } from '../../apps/genesys-api-service/sandbox/genesys-sandbox';
import {
  busiestSecond,
  missedSlots,
  paceDecreases,
  pausesBetweenSends,
  refusalsOf,
  sentBy,
} from '../../apps/whatsapp-api-service/sandbox/rate-limit-observations';
import { ServiceProcess } from '../../apps/whatsapp-api-service/sandbox/service-process';
import { useEgressSandbox } from '../../apps/whatsapp-api-service/sandbox/use-egress-sandbox';
import { recordScenario } from './support/chaos-report';
import { FaultObserver } from './support/fault-observer';
import { GenesysFaultRig } from './support/genesys-fault-rig';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const REPLICAS = 3;
const MESSAGES = 3000;
const NUMBER = { tenantId: 'shared-limit', phoneNumberId: '400000000000031', accessToken: 'EAAG-shared-limit', messagesPerSecond: 100 };
/** The first and last seconds (replicas ramping up, the queue running dry) are not the steady rate. */
const EDGE_MS = 2000;
/** The pace of the number: 1000 ms / 100, 4 % wider. */
const PACED_INTERVAL_MS = 10.4;
/** A pause between two sends this long is a stall, not the pacing or the timer's jitter. */
const PAUSE_MS = 50;

/** The arrival times between the first and the last send, edges left out, and the span they cover (ms). */
function steadyPart(arrivals: number[]): { from: number; to: number; times: number[] } {
  const times = [...arrivals].sort((a, b) => a - b);
  const from = times[0] + EDGE_MS;
  const to = times[times.length - 1] - EDGE_MS;
  return { from, to, times: times.filter((t) => t >= from && t < to) };
}

/** The sends in each whole second from `from` on: their median and the lowest. */
function sendsPerSecond(times: number[], from: number): { median: number; lowest: number } {
  const counts = new Array<number>(Math.floor((times[times.length - 1] - from) / 1000)).fill(0);
  for (const time of times) {
    const second = Math.floor((time - from) / 1000);
    if (second < counts.length) counts[second] += 1;
  }
  const sorted = [...counts].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], lowest: sorted[0] };
}

/** Sends per second over the steady part of a run. */
function steadyRate({ from, to, times }: ReturnType<typeof steadyPart>): number {
  return (times.length * 1000) / (to - from);
}

/**
 * One business number's Meta limit, shared by three replicas through Redis, with the simulator refusing
 * (130429) what Meta would refuse over its sliding second. Run here, one scenario at a time: the pacing is
 * judged to the millisecond, and the replicas run as processes of their own.
 */
describe("one number's Meta limit held by three replicas together (real RabbitMQ and Redis)", () => {
  const sandbox = useEgressSandbox(
    'chaos-shared-limit',
    { redisUrl: REDIS_URL, inProcessService: false, env: { EXPECTED_REPLICAS: String(REPLICAS) } },
    [NUMBER],
  );

  // The steady rate (83-95.5 % of the limit on 2026-12-01 and -02, with strikes of the adaptive pace and missed slots) is timing
  // on a shared host, so the row reports it and the test asserts what the shared limit guarantees: never more than Meta allows.
  it('never sends above the limit together, with under 1 % of the calls refused and every message sent once', async () => {
    // Published before the replicas start: Meta's simulator shares this process, and publishing while it
    // answers would delay its clock on arrivals, bunching paced sends that reached it a second apart.
    const envelopes = Array.from({ length: MESSAGES }, (_, i) => outboundEnvelope({ ...NUMBER, to: `+4915${String(i).padStart(9, '0')}` }));
    for (const envelope of envelopes) await sandbox().publish(envelope);
    const replicas = await Promise.all(
      Array.from({ length: REPLICAS }, () =>
        ServiceProcess.start({ ...sandbox().env, EXPECTED_REPLICAS: String(REPLICAS), LOG_LEVEL: 'warn' }),
      ),
    );
    try {
      await waitUntil('every message sent', () => sentBy(sandbox().meta, NUMBER).length >= MESSAGES, 120_000);

      const sends = sentBy(sandbox().meta, NUMBER);
      const steady = steadyPart(sends.map((r) => r.receivedAt));
      const rate = steadyRate(steady);
      const busiest = busiestSecond(sends);
      const { refused, allowed } = refusalsOf(sandbox().meta, NUMBER);
      const recipients = new Set(sends.map((r) => r.body?.to)).size;
      const missed = (await Promise.all(replicas.map((replica) => missedSlots(replica, NUMBER.tenantId)))).reduce((sum, n) => sum + n, 0);
      const pauses = pausesBetweenSends(steady.times, PAUSE_MS, PACED_INTERVAL_MS);
      const pausedShare = (pauses.lostMs / (steady.to - steady.from)) * 100;
      const perSecond = sendsPerSecond(steady.times, steady.from);
      const decreases = replicas.map(paceDecreases);
      const strikes = decreases.reduce((sum, d) => sum + d.strikes, 0);
      const lessons = decreases.reduce((sum, d) => sum + d.lessons, 0);
      recordScenario({
        scenario: `10 one number's limit (${NUMBER.messagesPerSecond} msg/s) shared by ${REPLICAS} replicas`,
        published: MESSAGES,
        sent: recipients,
        duplicates: sends.length - recipients,
        deadLettered: 0,
        lost: MESSAGES - recipients,
        notes: `steady ${rate.toFixed(1)} msg/s (${((rate / NUMBER.messagesPerSecond) * 100).toFixed(1)} % of the limit); busiest second ${busiest}; ${refused} calls refused with 130429, taken as ${strikes} strikes and ${lessons} lessons by the adaptive pace; ${missed} slots woken up to too late and given up; ${pauses.count} pauses over ${PAUSE_MS} ms between sends, holding ${pausedShare.toFixed(1)} % of the steady time; sends per whole second: median ${perSecond.median}, lowest ${perSecond.lowest}`,
      });
      expect(busiest).toBeLessThanOrEqual(NUMBER.messagesPerSecond);
      expect(refused).toBeLessThanOrEqual(allowed);
      expect(recipients).toBe(MESSAGES);
      expect(sends).toHaveLength(MESSAGES);
    } finally {
      const exits = await Promise.all(replicas.map((replica) => replica.stop()));
      expect(exits).toEqual(replicas.map(() => 0));
    }
  }, 240_000);
});

/** One tenant's Genesys limit, here 6,000 requests a minute (100/s) with a burst of 10, so that a run of 3,000 shows the steady rate. */
const GENESYS_LIMIT = { requestsPerMinute: 6000, burstSize: 10 };

/**
 * One tenant's Genesys limit, shared by three genesys-api-service replicas through Redis. Each replica
 * logs in with a token of its own, and Genesys counts per token, so the simulator refuses nothing here:
 * the tenant's limit is the service's own, and the row shows how much of it three replicas use together.
 */
describe("one tenant's Genesys limit held by three replicas together (real RabbitMQ and Redis)", () => {
  const tenant = genesysTenant('mypurecloud.ie', { rateLimits: GENESYS_LIMIT });
  let vhost: TestVhost;
  let rig: GenesysFaultRig;
  let observer: FaultObserver | undefined;

  beforeAll(async () => {
    vhost = await createTestVhost('chaos-genesys-limit');
    rig = await GenesysFaultRig.start({
      rabbitmqUrl: vhost.url,
      redisUrl: REDIS_URL,
      genesysLatencyMs: 20,
      tenants: [tenant],
      env: { EXPECTED_REPLICAS: String(REPLICAS) },
    });
  });

  afterAll(async () => {
    await observer?.close();
    await rig?.stop();
    await vhost?.dispose();
  });

  it('never sends above the limit together, and sends every message once', async () => {
    const replicas: RunningService[] = [];
    for (let i = 0; i < REPLICAS; i += 1) replicas.push(await rig.startService());
    observer = new FaultObserver(vhost.url, rig.contract);
    await observer.connect();
    const { envelopes, published } = rig.batch(MESSAGES, '+4917390');
    await observer.publish(envelopes);
    await waitUntil('every message sent', () => rig.acceptedFor(published) >= MESSAGES, 120_000);

    const calls = rig.acceptedCalls();
    const perSecond = GENESYS_LIMIT.requestsPerMinute / 60;
    const rate = steadyRate(steadyPart(calls.map((call) => call.receivedAt)));
    const busiestMinute = busiestWindow(
      calls.map((call) => call.receivedAt),
      60_000,
    );
    const distinct = new Set(calls.map((call) => call.sendKey)).size;
    recordScenario({
      scenario: `10 one tenant's Genesys limit (${GENESYS_LIMIT.requestsPerMinute}/min) shared by ${REPLICAS} replicas (genesys-api-service)`,
      published: MESSAGES,
      sent: distinct,
      duplicates: calls.length - distinct,
      deadLettered: 0,
      lost: MESSAGES - distinct,
      notes: `steady ${rate.toFixed(1)} msg/s (${((rate / perSecond) * 100).toFixed(1)} % of the limit); busiest minute ${busiestMinute}`,
    });
    expect(busiestMinute).toBeLessThanOrEqual(GENESYS_LIMIT.requestsPerMinute);
    expect(distinct).toBe(MESSAGES);
    expect(calls).toHaveLength(MESSAGES);
  }, 240_000);
});
