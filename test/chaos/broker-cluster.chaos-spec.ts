import { PrivateBrokerCluster, PrivateBrokerNode, PrivateRedisServer, ServiceProcess, waitUntil } from '@lib/testing';
import { genesysCase, whatsappCase } from './support/chaos-cases';
import { setTimeout as sleep } from 'node:timers/promises';
import { BROKER_ADVANCED_CONFIG, KILLED_NODE_DOWN_MS } from './support/broker-settings';
import { recordScenario } from './support/chaos-report';
import { FaultObserver } from './support/fault-observer';
import { acceptedFor, claimedButUnrecorded, FaultRig, settleAndCount } from './support/fault-rig';
import { genesysChaosTenants } from './support/genesys-fault-rig';
import { chaosTenants } from './support/whatsapp-fault-rig';

const REPLICAS = 3;
// Generous: the simulators share the test's process, which is starved while the replicas start and the batch is
// published; a call the vendor accepted after the client timed out is sent again (the documented limit), not a kill's doing.
const VENDOR_TIMEOUT_MS = 6000;
const CASES = [
  { chaos: whatsappCase(chaosTenants('cluster', 4, 830000000000001)), messages: 5000, label: '+4917300' },
  { chaos: genesysCase(genesysChaosTenants(4)), messages: 3000, label: '+4917310' },
];
// Quorum queues over the three nodes; a stale claim of a killed replica is taken over after HANDLER_TIMEOUT_MS
// (a vendor call starts only within HANDLER_TIMEOUT_MS minus the vendor timeout minus 1 s of its claim).
const SERVICE_ENV = {
  RABBITMQ_QUEUE_TYPE: 'quorum',
  EXPECTED_REPLICAS: String(REPLICAS),
  HANDLER_TIMEOUT_MS: '12000',
  RETRY_BASE_DELAY_MS: '1000',
  RETRY_MAX_DELAY_MS: '4000',
  CB_HALF_OPEN_AFTER_MS: '2000',
};

const isReady = (service: ServiceProcess) =>
  fetch(`${service.url}/health/ready`).then(
    (response) => response.status === 200,
    () => false,
  );

/**
 * Three replicas of a service on a three-node cluster with quorum queues. Every replica is given the
 * three nodes in the same order, so all of them start on the node the work queue's leader is placed
 * on (the declaring client's): losing that node costs every connection and the leader at once.
 */
describe.each(CASES)('scenario 9 ($chaos.service): three replicas on a three-node RabbitMQ cluster', ({ chaos, messages, label }) => {
  let cluster: PrivateBrokerCluster;
  let redis: PrivateRedisServer;
  const running: { rig: FaultRig; observer: FaultObserver }[] = [];

  beforeAll(async () => {
    [cluster, redis] = await Promise.all([
      PrivateBrokerCluster.start(REPLICAS, { advancedConfig: BROKER_ADVANCED_CONFIG }),
      PrivateRedisServer.start(),
    ]);
  });

  afterAll(async () => {
    for (const { rig, observer } of running) {
      await observer.close();
      await rig.stop();
    }
    await redis?.dispose();
    await cluster?.dispose();
  });

  /** A vhost of the scenario's own, the rig on it, three replicas, and the observer on `observerNode` (or any node but the work queue's leader). */
  async function startScenario(vhost: string, prefix: string) {
    const urls = await cluster.addVhost(vhost);
    const rig = await chaos.start({
      rabbitmqUrl: urls.join(','),
      redisUrl: redis.url,
      vendorLatencyMs: 50,
      vendorTimeoutMs: VENDOR_TIMEOUT_MS,
      env: { ...SERVICE_ENV, REDIS_KEY_PREFIX: prefix },
    });
    const services: ServiceProcess[] = [];
    for (let i = 0; i < REPLICAS; i += 1) services.push(await rig.startService());
    const leader = await cluster.leaderOf(rig.contract.workQueue, vhost);
    const observerNode = cluster.nodes.find((node) => node !== leader)!;
    const observer = new FaultObserver(observerNode.vhostUrl(vhost), rig.contract);
    running.push({ rig, observer });
    await observer.connect();
    const listQueues = () => observerNode.ctl('-s', 'list_queues', '-p', vhost, 'name', 'messages');
    return { rig, services, leader, observer, observerNode, listQueues };
  }

  it('kill -9 of one replica: the other two take its messages; lost 0, repeats only messages claimed but unrecorded at the kill', async () => {
    const { rig, services, observer, listQueues } = await startScenario('cluster-replica-kill', 'chaos-replica:');
    const { envelopes, published } = rig.batch(messages, `${label}1`);
    rig.failSomeOnce(published);
    await observer.publish(envelopes);
    await waitUntil('a third of the messages to be sent', () => acceptedFor(rig, published) >= messages / 3, 60_000);

    const [victim, ...survivors] = services;
    const killedAt = Date.now();
    await victim.stop('SIGKILL');
    const sentAtKill = acceptedFor(rig, published);
    const claimed = await claimedButUnrecorded(rig, redis.url, published);
    const outcome = await settleAndCount(rig, observer, published, listQueues, 120_000);
    // Claims the others made after the kill are not the killed replica's.
    const unrecorded = new Set([...claimed].filter(([, claimedAt]) => claimedAt <= killedAt).map(([id]) => id));
    const survivorsReady = await Promise.all(survivors.map(isReady));

    recordScenario({
      scenario: chaos.row(`9a ${REPLICAS} replicas on a ${REPLICAS}-node cluster (quorum), kill -9 of one replica`),
      published: outcome.published,
      sent: outcome.sent,
      duplicates: outcome.duplicates,
      deadLettered: outcome.deadLettered,
      lost: outcome.lost,
      notes: `killed at ${sentAtKill} sent; ${unrecorded.size} claimed but unrecorded at the kill; ${survivorsReady.filter(Boolean).length} of ${survivors.length} others ready at the end`,
    });
    expect(sentAtKill).toBeLessThan(messages);
    expect(outcome.lostIds).toEqual([]);
    expect(outcome.deadLettersWithoutReason).toEqual([]);
    expect(outcome.deadLetterCategories).toEqual({});
    expect(outcome.duplicated.filter((id) => !unrecorded.has(id))).toEqual([]);
    expect(survivorsReady).toEqual(survivors.map(() => true));
  });

  it("kill -9 of the node holding the work queue's leader: the replicas move to the other nodes by themselves; lost 0, repeats only calls in flight", async () => {
    const { rig, services, leader, observer, listQueues } = await startScenario('cluster-leader-kill', 'chaos-leader:');
    const { envelopes, published } = rig.batch(messages, `${label}2`);
    await observer.publish(envelopes);
    await waitUntil('a third of the messages to be sent', () => acceptedFor(rig, published) >= messages / 3, 60_000);

    const killedAt = Date.now();
    leader.kill();
    const sentAtKill = acceptedFor(rig, published);
    // The work goes on over the other two nodes; the node then comes back, which RabbitMQ 3.10's
    // dead-letter forwarding may wait for (README, "Running on a RabbitMQ cluster").
    await sleep(KILLED_NODE_DOWN_MS);
    const sentWhileDown = acceptedFor(rig, published) - sentAtKill;
    const newLeader: PrivateBrokerNode = await cluster.leaderOf(
      rig.contract.workQueue,
      'cluster-leader-kill',
      cluster.nodes.find((n) => n !== leader),
    );
    await leader.restart();
    const outcome = await settleAndCount(rig, observer, published, listQueues, 180_000);
    const ready = await Promise.all(services.map(isReady));
    // A call in flight at the kill is one the vendor received before it and could still answer after it; only those may repeat.
    const idByKey = new Map(published.map((m) => [m.sendKey, m.id]));
    const inFlight = new Set(
      rig
        .acceptedCalls()
        .filter((call) => call.receivedAt >= killedAt - VENDOR_TIMEOUT_MS && call.receivedAt <= killedAt)
        .map((call) => idByKey.get(call.sendKey)),
    );

    recordScenario({
      scenario: chaos.row(`9b ${REPLICAS} replicas on a ${REPLICAS}-node cluster (quorum), kill -9 of the work queue leader's node`),
      published: outcome.published,
      sent: outcome.sent,
      duplicates: outcome.duplicates,
      deadLettered: outcome.deadLettered,
      lost: outcome.lost,
      notes: `killed at ${sentAtKill} sent; ${sentWhileDown} sent in the ${KILLED_NODE_DOWN_MS / 1000} s the node was down, then it was started again; leader moved to another node; ${ready.filter(Boolean).length} of ${REPLICAS} replicas ready again without a restart; ${inFlight.size} calls in flight at the kill`,
    });
    expect(sentAtKill).toBeLessThan(messages);
    expect(sentWhileDown).toBeGreaterThan(0);
    expect(newLeader).not.toBe(leader);
    expect(outcome.lostIds).toEqual([]);
    expect(outcome.deadLettersWithoutReason).toEqual([]);
    expect(outcome.deadLetterCategories).toEqual({});
    expect(outcome.duplicated.filter((id) => !inFlight.has(id))).toEqual([]);
    expect(ready).toEqual(services.map(() => true));
  }, 420_000);
});
