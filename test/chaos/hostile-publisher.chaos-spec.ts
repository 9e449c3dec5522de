import { createTestVhost, outboundEnvelope, PrivateRedisServer, TestVhost, waitUntil } from '@lib/testing';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ServiceProcess } from '../../apps/whatsapp-api-service/sandbox/service-process';
import { recordScenario } from './support/chaos-report';
import { PublishedMessage } from './support/fault-outcome-count';
import { FaultObserver } from './support/fault-observer';
import { settleAndCount } from './support/fault-rig';
import { WhatsappFaultRig } from './support/whatsapp-fault-rig';
import { describeMemory, samplePeakMemory } from './support/fuzzed-envelopes.memory';

const run = promisify(execFile);
const REAL = { tenantId: 'real-co', phoneNumberId: '820000000000001', accessToken: 'EAAG-real-co', messagesPerSecond: 1000 };
const UNKNOWN_TENANTS = 100_000;
const GARBAGE_KEYS = 2_000;
const SPOOFED = 1_000;
const REAL_MESSAGES = 60;
const HALF_OPEN_AFTER_MS = 20_000;
const OLD_SPACE_CAP_MB = 256;
const SERVICE_ENV = {
  CB_FAILURE_THRESHOLD: '3',
  CB_HALF_OPEN_AFTER_MS: String(HALF_OPEN_AFTER_MS),
  RETRY_BASE_DELAY_MS: '500',
  RETRY_MAX_DELAY_MS: '4000',
  RETRY_MAX_ATTEMPTS: '50',
  // 100,000 unknown ids cost 100,000 tenant-service requests: more at once, so the flood settles sooner.
  TENANT_SERVICE_MAX_IN_FLIGHT: '64',
  NODE_OPTIONS: `--max-old-space-size=${OLD_SPACE_CAP_MB}`,
};
/** Label values a metric may carry for a tenant: the real one, and the shared buckets. */
const ALLOWED_TENANT_LABELS = new Set([REAL.tenantId, 'unknown', 'other']);
/** The tenant id readiness asks the tenant service about. */
const READINESS_PROBE_TENANT = '__readiness-probe__';
/** One message's tries of the tenant service when an answer is slow or fails (the credentials client's retry). */
const TENANT_SERVICE_TRIES = 3;

const listQueues = (vhost: TestVhost) => () =>
  run('rabbitmqctl', ['-q', '-s', 'list_queues', '-p', vhost.name, 'name', 'messages']).then(({ stdout }) => stdout);

/**
 * A publisher that may publish but lies: 100,000 made-up tenant ids, routing keys that are no tenant id
 * at all, bodies that name a real tenant under another routing key with forged bookkeeping headers.
 * Beside it one real tenant whose Meta path is failing (its breaker open).
 */
describe('scenario 8: hostile publisher (real RabbitMQ and Redis)', () => {
  let vhost: TestVhost;
  let redis: PrivateRedisServer;
  let rig: WhatsappFaultRig;
  let observer: FaultObserver;
  let service: ServiceProcess;

  beforeAll(async () => {
    vhost = await createTestVhost('chaos-hostile');
    redis = await PrivateRedisServer.start();
    rig = await WhatsappFaultRig.start({
      rabbitmqUrl: vhost.url,
      redisUrl: redis.url,
      metaLatencyMs: 20,
      tenants: [REAL],
      env: SERVICE_ENV,
    });
    service = await rig.startService();
    observer = new FaultObserver(vhost.url);
    await observer.connect();
  });

  afterAll(async () => {
    await observer?.close();
    await rig?.stop();
    await redis?.dispose();
    await vhost?.dispose();
  });

  const metricsText = async () => (await fetch(`${service.url}/metrics`)).text();
  const breakerState = async () =>
    Number(new RegExp(`circuit_breaker_state\\{tenant="${REAL.tenantId}"\\} (\\d)`).exec(await metricsText())?.[1] ?? NaN);
  const realCalls = () => rig.meta.requests.filter((request) => request.phoneNumberId === REAL.phoneNumberId);
  let lastCalls = { count: -1, since: 0 };
  const quietFor = (ms: number) => {
    const count = realCalls().length;
    if (count !== lastCalls.count) lastCalls = { count, since: Date.now() };
    return Date.now() - lastCalls.since >= ms;
  };

  it('keeps the real tenant whole: its open breaker, its labels, no broker objects or unbounded work for made-up tenants', async () => {
    // The real tenant is verified (its credentials fetched) and its Meta path fails until its breaker opens.
    const warmUp = outboundEnvelope({ ...REAL, to: '+4917800000000' });
    await observer.publish([warmUp]);
    await waitUntil(
      'the warm-up sent',
      () => rig.acceptedFor([{ id: warmUp.metadata.internalId, tenantId: REAL.tenantId, sendKey: '+4917800000000' }]) === 1,
      30_000,
    );
    rig.meta.inject('131000', { match: { phoneNumberId: REAL.phoneNumberId }, times: Infinity });
    const real = Array.from({ length: REAL_MESSAGES }, (_, i) =>
      outboundEnvelope({ ...REAL, to: `+49178${String(i + 1).padStart(8, '0')}` }),
    );
    await observer.publish(real);
    await waitUntil("the real tenant's breaker to open", async () => (await breakerState()) === 2, 60_000);
    // Calls that passed the breaker before it opened are still being answered: let them land first.
    await waitUntil('no more calls of the real tenant', () => quietFor(2_000), 60_000);

    const ghosts = Array.from({ length: UNKNOWN_TENANTS }, (_, i) =>
      outboundEnvelope({ tenantId: `ghost-${i}`, phoneNumberId: String(830000000000000 + i), to: `+49179${String(i).padStart(8, '0')}` }),
    );
    const garbage = Array.from({ length: GARBAGE_KEYS }, (_, i) => {
      const envelope = outboundEnvelope({ tenantId: 'junk', phoneNumberId: '840000000000000', to: `+49176${String(i).padStart(8, '0')}` });
      return { routingKey: `outbound.processed.!junk ${i} ${'x'.repeat(i % 200)}`, body: envelope };
    });
    const spoofed = Array.from({ length: SPOOFED }, (_, i) => {
      const envelope = outboundEnvelope({ ...REAL, to: `+49175${String(i).padStart(8, '0')}` });
      const headers = {
        'x-original-routing-key': `outbound.processed.${REAL.tenantId}`,
        'x-slot-at': Date.now() + 40 * 86_400_000,
        'x-first-seen-at': Date.now() + 40 * 86_400_000,
        'x-attempts': 99,
        'x-tenant-id': REAL.tenantId,
      };
      return { routingKey: `outbound.processed.spoof-${i}`, body: envelope, headers };
    });
    const flood: PublishedMessage[] = [...ghosts, ...garbage.map((g) => g.body), ...spoofed.map((s) => s.body)].map((e) => ({
      id: e.metadata.internalId,
      tenantId: e.metadata.tenantId,
      sendKey: e.wabaPayload.to as string,
    }));

    const sampler = samplePeakMemory(service.url, 500);
    const floodStartedAt = Date.now();
    const realCallsBefore = realCalls().length;
    for (let i = 0; i < ghosts.length; i += 10_000) await observer.publish(ghosts.slice(i, i + 10_000));
    await observer.publishRaw([...garbage, ...spoofed]);
    await waitUntil('every flood message dead-lettered', () => observer.deadLetters.length >= flood.length, 600_000);
    const floodMs = Date.now() - floodStartedAt;
    const realCallsDuringFlood = realCalls().length - realCallsBefore;
    const stateAfterFlood = await breakerState();
    const peak = await sampler.stop();
    const labels = [...(await metricsText()).matchAll(/tenant="([^"]*)"/g)].map((match) => match[1]);
    const queues = (await listQueues(vhost)())
      .split('\n')
      .map((line) => line.split('\t')[0])
      .filter(Boolean);

    rig.meta.clearFaults();
    const published: PublishedMessage[] = [
      ...flood,
      ...real.map((e) => ({ id: e.metadata.internalId, tenantId: REAL.tenantId, sendKey: e.wabaPayload.to as string })),
    ];
    const outcome = await settleAndCount(rig, observer, published, listQueues(vhost), 180_000);

    const requests = rig.tenantService.requestsByTenant;
    const ghostRequests = ghosts.reduce((sum, e) => sum + (requests.get(e.metadata.tenantId) ?? 0), 0);
    const mostForOneGhost = ghosts.reduce((most, e) => Math.max(most, requests.get(e.metadata.tenantId) ?? 0), 0);
    const otherRequests = [...requests.entries()].filter(
      ([id]) => !id.startsWith('ghost-') && ![REAL.tenantId, READINESS_PROBE_TENANT].includes(id),
    );
    const categories = outcome.deadLetterCategories;
    const spoofIds = new Set(spoofed.map((s) => s.body.metadata.internalId));
    const eventsToReal = observer.events.filter((event) => spoofIds.has(event?.internalId) && event.tenantId === REAL.tenantId);
    const halfOpenProbes = Math.ceil(floodMs / HALF_OPEN_AFTER_MS) + 1;

    recordScenario({
      scenario: '8 hostile publisher: 100,000 unknown tenants, junk keys, forged headers',
      published: outcome.published,
      sent: outcome.sent,
      duplicates: outcome.duplicates,
      deadLettered: outcome.deadLettered,
      lost: outcome.lost,
      notes:
        `flood of ${flood.length} settled in ${Math.round(floodMs / 1000)} s; real tenant's breaker ${stateAfterFlood === 2 ? 'open' : `state ${stateAfterFlood}`} after it, ` +
        `${realCallsDuringFlood} Meta calls of its during it (at most one half-open probe per ${HALF_OPEN_AFTER_MS / 1000} s); tenant service: ${ghostRequests} requests for ${ghosts.length} unknown ids ` +
        `(at most ${mostForOneGhost} for one), ${otherRequests.length} for junk or spoofed ids; queues ${queues.length}; ` +
        `tenant labels {${[...new Set(labels)].sort().join(', ')}}; peak ${describeMemory(peak)} (old space capped at ${OLD_SPACE_CAP_MB} MB)`,
    });

    // Open, or half-open with one probe message through: never closed while the fault lasts.
    expect([1, 2]).toContain(stateAfterFlood);
    expect(realCallsDuringFlood).toBeLessThanOrEqual(halfOpenProbes);
    expect(queues.filter((name) => name.includes('.delay.') && !name.startsWith(`outbound-processed.delay.${REAL.tenantId}.`))).toEqual([]);
    expect(labels.filter((label) => !ALLOWED_TENANT_LABELS.has(label))).toEqual([]);
    expect(mostForOneGhost).toBeLessThanOrEqual(TENANT_SERVICE_TRIES);
    expect(otherRequests).toEqual([]);
    expect(eventsToReal).toEqual([]);
    expect(rig.meta.requests.filter((request) => String(request.body?.to).startsWith('+49175'))).toEqual([]);
    expect(categories).toEqual({ TENANT_NOT_FOUND: UNKNOWN_TENANTS, INVALID_ENVELOPE: GARBAGE_KEYS + SPOOFED });
    expect(outcome.lostIds).toEqual([]);
    expect(outcome.duplicates).toBe(0);
    expect(outcome.sent).toBe(REAL_MESSAGES);
    expect(service.child.exitCode).toBeNull();
  }, 900_000);
});
