import { outboundEnvelope, RecordedRequest, waitUntil } from '@lib/testing';
import request from 'supertest';
import { EgressSandbox } from '../sandbox/egress-sandbox';
import { useEgressSandbox } from '../sandbox/use-egress-sandbox';
import { ServiceProcess } from '../sandbox/service-process';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const SLOW = { tenantId: 'slow', phoneNumberId: '400000000000001', accessToken: 'EAAG-slow', messagesPerSecond: 5 };
const FAST = { tenantId: 'fast', phoneNumberId: '400000000000002', accessToken: 'EAAG-fast', messagesPerSecond: 80 };
const FLOOD = { tenantId: 'flood', phoneNumberId: '400000000000004', accessToken: 'EAAG-flood', messagesPerSecond: 80 };
const SHARED = { tenantId: 'shared', phoneNumberId: '400000000000003', accessToken: 'EAAG-shared', messagesPerSecond: 10 };

/** The most requests Meta accepted in any sliding one-second window. */
function busiestSecond(requests: RecordedRequest[]): number {
  const times = requests.map((r) => r.receivedAt).sort((a, b) => a - b);
  let busiest = 0;
  for (let start = 0, end = 0; end < times.length; end += 1) {
    while (times[end] - times[start] >= 1000) start += 1;
    busiest = Math.max(busiest, end - start + 1);
  }
  return busiest;
}

/** How many times messages of a tenant were parked for their rate limit, from the metrics of the in-process service or a replica. */
async function parkedCount(service: EgressSandbox | ServiceProcess, tenantId: string): Promise<number> {
  const text =
    service instanceof EgressSandbox
      ? (await request(service.app.getHttpServer()).get('/metrics')).text
      : await (await fetch(`${service.url}/metrics`)).text();
  return Number(new RegExp(`messages_retried_total\\{tenant="${tenantId}",category="THROTTLED"\\} (\\d+)`).exec(text)?.[1] ?? 0);
}

/**
 * `inProcessService: false` runs the service only as replicas the test starts. Where a test judges
 * pacing to the millisecond it needs that: in process, the service's event loop is also the
 * simulator's, and its stalls under load would count as Meta receiving a paced send late.
 */
function rateLimitSandbox(replicas: string, inProcessService = true) {
  const sandbox = useEgressSandbox('wa-rate-limits', { redisUrl: REDIS_URL, inProcessService, env: { EXPECTED_REPLICAS: replicas } }, [
    SLOW,
    FAST,
    SHARED,
    FLOOD,
  ]);
  const sentBy = (tenant: { phoneNumberId: string }) =>
    sandbox()
      .meta.accepted()
      .filter((r) => r.phoneNumberId === tenant.phoneNumberId);
  /**
   * How many of a tenant's calls Meta refused with 130429, and the most the pacing may cause. Sends are
   * paced at the limit, so one that the loaded service writes late can share the simulator's
   * sliding second with the sends of the next window, whatever the rate. A refused send is retried,
   * never lost; the bound is the share of refusals the benchmark allows one number at its limit. Each
   * refusal also lowers the number's pace, and the messages holding slots of the old pace are parked
   * again: once per message while no call is refused, once more per refusal at most.
   */
  const refusalsOf = (tenant: { phoneNumberId: string }) => {
    const refused = sandbox().meta.requests.filter((r) => r.phoneNumberId === tenant.phoneNumberId && r.errorCode === 130429).length;
    return {
      refused,
      allowed: Math.ceil((sentBy(tenant).length + refused) * 0.01),
      parkBound: (messages: number) => messages * (1 + refused),
    };
  };
  return { sandbox, sentBy, refusalsOf };
}

describe('per-tenant rate limit, one replica (real RabbitMQ and Redis)', () => {
  const { sandbox, sentBy, refusalsOf } = rateLimitSandbox('1');

  it('keeps a tenant at 5 msg/s with 200 queued under its limit while another tenant flows', async () => {
    const slow = Array.from({ length: 200 }, (_, i) => outboundEnvelope({ ...SLOW, to: `+4915${String(i).padStart(9, '0')}` }));
    for (const envelope of slow) await sandbox().publish(envelope);
    const fast = Array.from({ length: 40 }, (_, i) => outboundEnvelope({ ...FAST, to: `+4916${String(i).padStart(9, '0')}` }));
    for (const envelope of fast) await sandbox().publish(envelope);

    const fastStatuses = await Promise.all(fast.map((e) => sandbox().waitForStatus(e.metadata.internalId, 20_000)));
    expect(fastStatuses.every((s) => s.status === 'sent')).toBe(true);
    expect(slow.filter((e) => sandbox().statusOf(e.metadata.internalId)).length).toBeLessThan(150);

    const slowStatuses = await Promise.all(slow.map((e) => sandbox().waitForStatus(e.metadata.internalId, 120_000)));
    expect(slowStatuses.every((s) => s.status === 'sent')).toBe(true);
    expect(sentBy(SLOW)).toHaveLength(200);
    expect(busiestSecond(sentBy(SLOW))).toBeLessThanOrEqual(SLOW.messagesPerSecond);
    const { refused, allowed, parkBound } = refusalsOf(SLOW);
    expect(refused).toBeLessThanOrEqual(allowed);
    // Each message over the limit was parked once, for a slot of its own, not cycled until it got through.
    expect(await parkedCount(sandbox(), SLOW.tenantId)).toBeLessThanOrEqual(parkBound(slow.length));
  }, 180_000);
});

describe('per-tenant rate limit under a flood, one replica in its own process (real RabbitMQ and Redis)', () => {
  const { sandbox, sentBy, refusalsOf } = rateLimitSandbox('1', false);

  it("parks a flood once per message and keeps another tenant's messages flowing past it", async () => {
    const replica = await ServiceProcess.start({ ...sandbox().env, LOG_LEVEL: 'warn' });
    try {
      const flood = Array.from({ length: 3000 }, (_, i) => outboundEnvelope({ ...FLOOD, to: `+4914${String(i).padStart(9, '0')}` }));
      for (const envelope of flood) await sandbox().publish(envelope);
      const other = Array.from({ length: 40 }, (_, i) => outboundEnvelope({ ...FAST, to: `+4913${String(i).padStart(9, '0')}` }));
      for (const envelope of other) await sandbox().publish(envelope);

      const statuses = await Promise.all(other.map((e) => sandbox().waitForStatus(e.metadata.internalId, 30_000)));
      expect(statuses.every((s) => s.status === 'sent')).toBe(true);
      const floodSent = sentBy(FLOOD).length;
      expect(floodSent).toBeLessThan(flood.length / 2);
      expect(busiestSecond(sentBy(FLOOD))).toBeLessThanOrEqual(FLOOD.messagesPerSecond);
      const { refused, allowed, parkBound } = refusalsOf(FLOOD);
      expect(refused).toBeLessThanOrEqual(allowed);

      // The whole flood has left the work queue: what is not sent waits in the tenant's delay queue,
      // each message parked once for its own slot.
      await waitUntil(
        'the flood to leave the work queue',
        async () => (await sandbox().probe.messageCount('outbound-processed')) === 0,
        60_000,
      );
      const parked = await parkedCount(replica, FLOOD.tenantId);
      expect(parked).toBeLessThanOrEqual(parkBound(flood.length));
      expect(parked + sentBy(FLOOD).length).toBeGreaterThanOrEqual(flood.length);
      // What is neither sent nor in the broker is in the service, which holds at most its bulkhead of one tenant.
      const waiting = await sandbox().probe.messageCount(`outbound-processed.delay.${FLOOD.tenantId}`);
      const queued = await sandbox().probe.messageCount('outbound-processed');
      const { maxInFlightPerTenant } = sandbox().config.resilience;
      expect(flood.length - waiting - queued - sentBy(FLOOD).length).toBeLessThanOrEqual(maxInFlightPerTenant);
      expect(waiting).toBeGreaterThan(0);
    } finally {
      expect(await replica.stop()).toBe(0);
    }
  }, 150_000);
});

describe('per-tenant rate limit, two replicas on one queue (real RabbitMQ and Redis)', () => {
  const { sandbox, sentBy, refusalsOf } = rateLimitSandbox('2');

  it('keeps both replicas together within the tenant limit', async () => {
    const replica = await ServiceProcess.start({ ...sandbox().env, LOG_LEVEL: 'warn' });
    try {
      const shared = Array.from({ length: 60 }, (_, i) => outboundEnvelope({ ...SHARED, to: `+4917${String(i).padStart(9, '0')}` }));
      for (const envelope of shared) await sandbox().publish(envelope);
      const statuses = await Promise.all(shared.map((e) => sandbox().waitForStatus(e.metadata.internalId, 60_000)));
      expect(statuses.every((s) => s.status === 'sent')).toBe(true);
      expect(sentBy(SHARED)).toHaveLength(60);
      expect(busiestSecond(sentBy(SHARED))).toBeLessThanOrEqual(SHARED.messagesPerSecond);
      const { refused, allowed } = refusalsOf(SHARED);
      expect(refused).toBeLessThanOrEqual(allowed);
    } finally {
      expect(await replica.stop()).toBe(0);
    }
  }, 120_000);
});
