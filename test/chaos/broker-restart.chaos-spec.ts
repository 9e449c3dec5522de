import { PrivateBrokerNode, PrivateRedisServer, waitUntil } from '@lib/testing';
import { genesysCase, whatsappCase } from './support/chaos-cases';
import { recordScenario } from './support/chaos-report';
import { FaultObserver } from './support/fault-observer';
import { acceptedFor, FaultRig, settleAndCount } from './support/fault-rig';
import { genesysChaosTenants } from './support/genesys-fault-rig';
import { chaosTenants } from './support/whatsapp-fault-rig';

const BROKER_DOWN_MS = 5000;
const VHOST = 'chaos-broker-restart';
const CASES = [
  { chaos: whatsappCase(chaosTenants('bounce', 4, 820000000000001)), messages: 3000, label: '+4917200' },
  { chaos: genesysCase(genesysChaosTenants(4)), messages: 2000, label: '+4917210' },
];
const SERVICE_ENV = { HANDLER_TIMEOUT_MS: '5000', RETRY_BASE_DELAY_MS: '1000', RETRY_MAX_DELAY_MS: '4000' };

const readiness = (url: string) =>
  fetch(`${url}/health/ready`).then(
    (response) => response.status,
    () => 0,
  );

describe.each(CASES)('scenario 2 ($chaos.service): RabbitMQ restarted mid-run (a private broker node)', ({ chaos, messages, label }) => {
  let node: PrivateBrokerNode;
  let redis: PrivateRedisServer;
  let rig: FaultRig;
  let observer: FaultObserver;

  beforeAll(async () => {
    [node, redis] = await Promise.all([PrivateBrokerNode.start(), PrivateRedisServer.start()]);
    const url = await node.addVhost(VHOST);
    rig = await chaos.start({ rabbitmqUrl: url, redisUrl: redis.url, vendorLatencyMs: 50, vendorTimeoutMs: 2000, env: SERVICE_ENV });
  });

  afterAll(async () => {
    await observer?.close();
    await rig?.stop();
    await redis?.dispose();
    await node?.dispose();
  });

  it('reconnects by itself once the broker is back and loses nothing', async () => {
    const service = await rig.startService();
    observer = new FaultObserver(node.vhostUrl(VHOST), rig.contract);
    await observer.connect();
    const { envelopes, published } = rig.batch(messages, label);
    await observer.publish(envelopes);
    await waitUntil('a third of the messages to be sent', () => acceptedFor(rig, published) >= messages / 3, 60_000);

    let sentBeforeStop: number;
    let notReadyWhileDown: boolean;
    let backAt: number;
    try {
      sentBeforeStop = acceptedFor(rig, published);
      await node.stopApp();
      await waitUntil('readiness to report the broker down', async () => (await readiness(service.url)) === 503, 10_000);
      notReadyWhileDown = true;
      await new Promise((resolve) => setTimeout(resolve, BROKER_DOWN_MS));
    } finally {
      await node.startApp();
      backAt = Date.now();
    }
    await waitUntil('readiness after the broker is back', async () => (await readiness(service.url)) === 200, 60_000);
    const reconnectSeconds = (Date.now() - backAt) / 1000;
    await observer.connect();

    const outcome = await settleAndCount(
      rig,
      observer,
      published,
      () => node.ctl('-s', 'list_queues', '-p', VHOST, 'name', 'messages'),
      60_000,
    );
    const unreported = outcome.sent - outcome.reportedSent.size;
    recordScenario({
      scenario: chaos.row('2 RabbitMQ stop_app/start_app mid-run'),
      published: outcome.published,
      sent: outcome.sent,
      duplicates: outcome.duplicates,
      deadLettered: outcome.deadLettered,
      lost: outcome.lost,
      notes: `broker down ${BROKER_DOWN_MS / 1000} s after ${sentBeforeStop} sent; ready again ${reconnectSeconds.toFixed(1)} s after start_app, by itself; ${unreported} sent without an outcome event (redelivered duplicates repeat theirs)`,
    });
    expect(notReadyWhileDown).toBe(true);
    expect(outcome.lostIds).toEqual([]);
    expect(outcome.deadLettersWithoutReason).toEqual([]);
    expect(outcome.deadLetterCategories).toEqual({});
    expect(outcome.reportedButNotSent).toEqual([]);
    // Redis kept the ledger through the outage, so a redelivered copy of a sent message is never sent again.
    expect(outcome.duplicated).toEqual([]);
    // A sent message whose outcome event was lost with the connection is redelivered, and its event repeated.
    expect(unreported).toBe(0);
  });
});
