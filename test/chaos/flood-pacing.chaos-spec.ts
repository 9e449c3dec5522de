import { outboundEnvelope, waitUntil } from '@lib/testing';
import {
  busiestSecond,
  missedSlots,
  parkedCount,
  refusalsOf,
  sentBy,
} from '../../apps/whatsapp-api-service/sandbox/rate-limit-observations';
import { ServiceProcess } from '../../apps/whatsapp-api-service/sandbox/service-process';
import { useEgressSandbox } from '../../apps/whatsapp-api-service/sandbox/use-egress-sandbox';
import { recordScenario } from './support/chaos-report';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const FAST = { tenantId: 'fast', phoneNumberId: '400000000000002', accessToken: 'EAAG-fast', messagesPerSecond: 80 };
const FLOOD = { tenantId: 'flood', phoneNumberId: '400000000000004', accessToken: 'EAAG-flood', messagesPerSecond: 80 };

/**
 * A flood for one number, judged to the millisecond: paced sends one interval apart must reach Meta
 * at least a second apart per window. So it runs here, one scenario at a time, and the service runs in
 * a process of its own: sharing two cores with the parallel suites, or the simulator's event loop,
 * makes the host's scheduling delays count as the service sending early.
 */
describe('pacing under a flood for one number, run alone (real RabbitMQ and Redis)', () => {
  const sandbox = useEgressSandbox('chaos-flood', { redisUrl: REDIS_URL, inProcessService: false, env: { EXPECTED_REPLICAS: '1' } }, [
    FAST,
    FLOOD,
  ]);

  it("parks a flood once per message and keeps another tenant's messages flowing past it", async () => {
    const replica = await ServiceProcess.start({ ...sandbox().env, LOG_LEVEL: 'warn' });
    try {
      const flood = Array.from({ length: 3000 }, (_, i) => outboundEnvelope({ ...FLOOD, to: `+4914${String(i).padStart(9, '0')}` }));
      for (const envelope of flood) await sandbox().publish(envelope);
      const other = Array.from({ length: 40 }, (_, i) => outboundEnvelope({ ...FAST, to: `+4913${String(i).padStart(9, '0')}` }));
      for (const envelope of other) await sandbox().publish(envelope);

      const statuses = await Promise.all(other.map((e) => sandbox().waitForStatus(e.metadata.internalId, 30_000)));
      expect(statuses.every((s) => s.status === 'sent')).toBe(true);
      const floodSent = sentBy(sandbox().meta, FLOOD).length;
      expect(floodSent).toBeLessThan(flood.length / 2);
      expect(busiestSecond(sentBy(sandbox().meta, FLOOD))).toBeLessThanOrEqual(FLOOD.messagesPerSecond);
      // How many calls Meta refused is a timing measurement (arrivals a few ms apart, stamped in this
      // process): the row reports it, and `npm run bench` holds the refusal rate to its bound.
      const { refused, parkBound } = refusalsOf(sandbox().meta, FLOOD);

      // The whole flood has left the work queue: what is not sent waits in the tenant's delay queue,
      // each message parked once for its own slot.
      await waitUntil(
        'the flood to leave the work queue',
        async () => (await sandbox().probe.messageCount('outbound-processed')) === 0,
        60_000,
      );
      const parked = await parkedCount(replica, FLOOD.tenantId);
      // Once per message, and once more only per slot the process woke up to too late and gave up.
      expect(parked).toBeLessThanOrEqual(parkBound(flood.length) + (await missedSlots(replica, FLOOD.tenantId)));
      expect(parked + sentBy(sandbox().meta, FLOOD).length).toBeGreaterThanOrEqual(flood.length);
      // What is neither sent nor in the broker is in the service, which holds at most one tenant's bulkhead and the
      // messages waiting for a slot of it.
      const depths = await sandbox.vhost().queueDepths();
      const waiting = [...depths]
        .filter(([queue]) => queue.startsWith(`outbound-processed.delay.${FLOOD.tenantId}.`))
        .reduce((sum, [, n]) => sum + n, 0);
      const queued = await sandbox().probe.messageCount('outbound-processed');
      const { maxInFlightPerTenant, maxWaitingPerTenant = 0 } = sandbox().config.resilience;
      const inService = flood.length - waiting - queued - sentBy(sandbox().meta, FLOOD).length;
      expect(inService).toBeLessThanOrEqual(maxInFlightPerTenant + maxWaitingPerTenant);
      expect(waiting).toBeGreaterThan(0);
      const floodSentAtEnd = sentBy(sandbox().meta, FLOOD).length;
      recordScenario({
        scenario: `flood of ${flood.length} for one number (${FLOOD.messagesPerSecond} msg/s) beside another tenant`,
        published: flood.length + other.length,
        sent: floodSentAtEnd + other.length,
        duplicates: 0,
        deadLettered: 0,
        lost: 0,
        notes: `the other tenant's ${other.length} all sent; flood: ${floodSentAtEnd} sent, ${waiting} waiting for their slots, parked ${parked} times; busiest second ${busiestSecond(sentBy(sandbox().meta, FLOOD))}; ${refused} calls refused with 130429 (${((refused * 100) / (floodSentAtEnd + refused)).toFixed(1)} %)`,
      });
    } finally {
      expect(await replica.stop()).toBe(0);
    }
  }, 150_000);
});
