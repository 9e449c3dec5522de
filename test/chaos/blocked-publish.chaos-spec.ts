import { PrivateBrokerNode, PrivateRedisServer, waitUntil } from '@lib/testing';
import { ServiceProcess } from '../../apps/whatsapp-api-service/sandbox/service-process';
import { recordScenario } from './support/chaos-report';
import { FaultObserver } from './support/fault-observer';
import { settleAndCount, unpublishedStatusEvents } from './support/fault-rig';
import { chaosTenants, WhatsappFaultRig } from './support/whatsapp-fault-rig';

const MESSAGES = 1500;
const PREFETCH = 50;
const BLOCKED_MS = 8000;
const VHOST = 'chaos-blocked-publish';
const TENANTS = chaosTenants('blocked', 2, 830000000000001);
const SERVICE_ENV = {
  RABBITMQ_PREFETCH: String(PREFETCH),
  TENANT_MAX_IN_FLIGHT: String(PREFETCH - 10),
  RABBITMQ_PUBLISH_TIMEOUT_MS: '1000',
  RETRY_BASE_DELAY_MS: '200',
  RETRY_MAX_DELAY_MS: '1000',
};

interface BlockedSample {
  unacked: number;
  ready: number;
  inFlight: number;
  rss: number;
  ready200: boolean;
  blockedGauge: number;
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(new RegExp(`^\\w*${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
}

describe('scenario 7: status-event publishes blocked by a broker memory alarm (a private broker node)', () => {
  let node: PrivateBrokerNode;
  let redis: PrivateRedisServer;
  let rig: WhatsappFaultRig;
  let observer: FaultObserver;

  beforeAll(async () => {
    [node, redis] = await Promise.all([PrivateBrokerNode.start(), PrivateRedisServer.start()]);
    const url = await node.addVhost(VHOST);
    rig = await WhatsappFaultRig.start({ rabbitmqUrl: url, redisUrl: redis.url, metaLatencyMs: 100, tenants: TENANTS, env: SERVICE_ENV });
  });

  afterAll(async () => {
    await observer?.close();
    await rig?.stop();
    await redis?.dispose();
    await node?.dispose();
  });

  async function sample(service: ServiceProcess): Promise<BlockedSample> {
    const line = (await node.ctl('-s', 'list_queues', '-p', VHOST, 'name', 'messages_ready', 'messages_unacknowledged'))
      .split('\n')
      .map((row) => row.trim().split('\t'))
      .find(([name]) => name === 'outbound-processed')!;
    return {
      ready: Number(line[1]),
      unacked: Number(line[2]),
      inFlight: await metric(service.url, 'messages_in_flight'),
      rss: await metric(service.url, 'process_resident_memory_bytes'),
      ready200: (await fetch(`${service.url}/health/ready`)).ok,
      blockedGauge: await metric(service.url, 'broker_blocked'),
    };
  }

  it('stops taking work while its publishes are blocked, waits instead of giving up, then sends every message once and loses none', async () => {
    const service = await rig.startService();
    observer = new FaultObserver(node.vhostUrl(VHOST));
    await observer.connect();
    const { envelopes, published } = rig.envelopes(TENANTS, MESSAGES, '+4917700');
    // Every tenth message needs a retry copy and every tenth a dead letter: publishes the block also hits.
    published.forEach(({ sendKey: to }, i) => {
      if (i % 10 === 3) rig.meta.inject('131000', { match: { to }, times: 1 });
      if (i % 10 === 7) rig.meta.inject('131047', { match: { to }, times: Infinity });
    });
    const expectedDeadLetters = published.filter((_, i) => i % 10 === 7).length;
    await observer.publish(envelopes);
    await waitUntil('some messages sent', () => rig.acceptedFor(published) >= 200, 30_000);

    const samples: BlockedSample[] = [];
    let sentAtAlarm: number;
    let sentWhileBlocked: number;
    let rssAtAlarm: number;
    try {
      rssAtAlarm = await metric(service.url, 'process_resident_memory_bytes');
      await node.setMemoryAlarm(true);
      // The alarm takes effect on the node's next memory check, and blocks a connection at its next publish.
      await waitUntil(
        'the service connection to be blocked',
        async () => (await node.ctl('-s', 'list_connections', 'state')).includes('blocked'),
        15_000,
      );
      sentAtAlarm = rig.acceptedFor(published);
      const until = Date.now() + BLOCKED_MS;
      while (Date.now() < until) {
        samples.push(await sample(service));
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      sentWhileBlocked = rig.acceptedFor(published) - sentAtAlarm;
    } finally {
      await node.setMemoryAlarm(false);
    }
    const clearedAt = Date.now();

    const outcome = await settleAndCount(
      rig,
      observer,
      published,
      () => node.ctl('-s', 'list_queues', '-p', VHOST, 'name', 'messages'),
      90_000,
    );
    const settleSeconds = (Date.now() - clearedAt) / 1000;
    const blocked = samples.slice(samples.length / 2);
    const maxUnacked = Math.max(...samples.map((s) => s.unacked));
    const maxInFlight = Math.max(...samples.map((s) => s.inFlight));
    const maxRss = Math.max(...samples.map((s) => s.rss));
    const unreported = outcome.sent - outcome.reportedSent.size;
    const logged = (event: string) =>
      service
        .output()
        .split('\n')
        .filter((line) => line.includes(`"${event}"`)).length;
    const handedBack = logged('message_handed_back');
    const extraDeadLetterCopies = observer.deadLetters.length - outcome.deadLettered;
    recordScenario({
      scenario: '7 status publishes blocked (memory alarm)',
      published: outcome.published,
      sent: outcome.sent,
      duplicates: outcome.duplicates,
      deadLettered: outcome.deadLettered,
      lost: outcome.lost,
      notes:
        `blocked ${BLOCKED_MS / 1000} s: ${sentWhileBlocked} sent meanwhile (prefetch ${PREFETCH}), unacked ≤ ${maxUnacked}, in flight ≤ ${maxInFlight}, ` +
        `ready queue ${blocked[0].ready}→${blocked[blocked.length - 1].ready}, RSS ${Math.round(rssAtAlarm / 2 ** 20)}→≤${Math.round(maxRss / 2 ** 20)} MB, ` +
        `readiness ${samples.every((s) => s.ready200) ? 'stayed 200' : 'reported 503'}; settled ${settleSeconds.toFixed(1)} s after clearing; ` +
        `broker_blocked ${blocked.every((s) => s.blockedGauge === 1) ? 'was 1' : 'not 1 throughout'} during the block; ` +
        `${unpublishedStatusEvents(service)} status publishes logged as refused or unconfirmed, ${unreported} sends without a status event; ` +
        `publishes waited out the block: ${handedBack} hand-backs, ${extraDeadLetterCopies} extra dead-letter copies`,
    });

    expect(maxUnacked).toBeLessThanOrEqual(PREFETCH);
    expect(maxInFlight).toBeLessThanOrEqual(PREFETCH);
    expect(sentWhileBlocked).toBeLessThanOrEqual(PREFETCH);
    // The backlog stays in the broker: nothing is pulled off the queue to be buffered in the process.
    expect(blocked[blocked.length - 1].ready).toBeGreaterThanOrEqual(blocked[0].ready);
    expect(maxRss - rssAtAlarm).toBeLessThan(64 * 2 ** 20);
    expect(service.child.exitCode).toBeNull();
    expect(outcome.lostIds).toEqual([]);
    expect(outcome.duplicated).toEqual([]);
    expect(outcome.deadLettered).toBe(expectedDeadLetters);
    expect(Object.keys(outcome.deadLetterCategories)).toEqual(['WINDOW_EXPIRED']);
    // The broker takes every publish it held once the alarm clears, so a publish waits out the block
    // instead of timing out: no message is handed back, so none is dead-lettered twice, and every
    // status event arrives once (readiness stays 200 with the block as a degraded detail).
    expect(blocked.every((s) => s.blockedGauge === 1)).toBe(true);
    expect(samples.every((s) => s.ready200)).toBe(true);
    expect(logged('broker_blocked')).toBeGreaterThanOrEqual(1); // its end is logged at info, below this run's level
    expect(await metric(service.url, 'broker_blocked')).toBe(0);
    expect(handedBack).toBe(0);
    expect(extraDeadLetterCopies).toBe(0);
    expect(outcome.reportedButNotSent).toEqual([]);
    expect(unpublishedStatusEvents(service)).toBe(0);
    expect(unreported).toBe(0);
  });
});
