import { createTestVhost, PrivateRedisServer, queueDepthsOf, TestVhost, waitUntil } from '@lib/testing';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { genesysCase, whatsappCase } from './support/chaos-cases';
import { recordScenario } from './support/chaos-report';
import { FaultObserver } from './support/fault-observer';
import { acceptedFor, claimedButUnrecorded, FaultRig, settleAndCount } from './support/fault-rig';
import { genesysChaosTenants } from './support/genesys-fault-rig';
import { chaosTenants } from './support/whatsapp-fault-rig';

const run = promisify(execFile);
const CASES = [
  { chaos: whatsappCase(chaosTenants('crash', 4, 810000000000001)), messages: 5000, label: '+4917100' },
  { chaos: genesysCase(genesysChaosTenants(4)), messages: 3000, label: '+4917110' },
];
// A stale claim is taken over after HANDLER_TIMEOUT_MS: kept short so the killed process's claims expire within the scenario.
const SERVICE_ENV = { HANDLER_TIMEOUT_MS: '5000', RETRY_BASE_DELAY_MS: '2000', RETRY_MAX_DELAY_MS: '8000', CB_HALF_OPEN_AFTER_MS: '2000' };

describe.each(CASES)('scenario 1 ($chaos.service): kill -9 with messages in flight or waiting for retry', ({ chaos, messages, label }) => {
  let vhost: TestVhost;
  let redis: PrivateRedisServer;
  let rig: FaultRig;
  let observer: FaultObserver;
  const listQueues = () =>
    run('rabbitmqctl', ['-q', '-s', 'list_queues', '-p', vhost.name, 'name', 'messages']).then(({ stdout }) => stdout);

  beforeAll(async () => {
    vhost = await createTestVhost('chaos-kill');
    redis = await PrivateRedisServer.start();
    rig = await chaos.start({ rabbitmqUrl: vhost.url, redisUrl: redis.url, vendorLatencyMs: 100, vendorTimeoutMs: 2000, env: SERVICE_ENV });
  });

  afterAll(async () => {
    await observer?.close();
    await rig?.stop();
    await redis?.dispose();
    await vhost?.dispose();
  });

  it(`loses nothing after a restart; only messages being sent at the kill (claimed, not recorded as sent) go out again`, async () => {
    const first = await rig.startService();
    observer = new FaultObserver(vhost.url, rig.contract);
    await observer.connect();
    const { envelopes, published } = rig.batch(messages, label);
    // One message in ten fails once with a transient 5xx, so that some wait in the retry queues when the process dies.
    rig.failSomeOnce(published);
    await observer.publish(envelopes);

    await waitUntil('a third of the messages to be sent', () => acceptedFor(rig, published) >= messages / 3, 60_000);
    const killedAt = Date.now();
    await first.stop('SIGKILL');
    const sentAtKill = acceptedFor(rig, published);
    const waitingForRetry = [...queueDepthsOf(await listQueues())]
      .filter(([name]) => name.startsWith(`${rig.contract.workQueue}.retry.`))
      .reduce((sum, [, messages]) => sum + messages, 0);
    const unrecorded = await claimedButUnrecorded(rig, redis.url, published);

    await rig.startService();
    const outcome = await settleAndCount(rig, observer, published, listQueues, 90_000);
    const idByKey = new Map(published.map((m) => [m.sendKey, m.id]));
    const receivedBeforeKill = new Set(
      rig
        .acceptedCalls()
        .filter((call) => call.receivedAt < killedAt)
        .map((call) => idByKey.get(call.sendKey) ?? '')
        .filter((id) => unrecorded.has(id)),
    ).size;

    recordScenario({
      scenario: chaos.row('1 kill -9 mid-run, restart'),
      published: outcome.published,
      sent: outcome.sent,
      duplicates: outcome.duplicates,
      deadLettered: outcome.deadLettered,
      lost: outcome.lost,
      notes: `killed at ${sentAtKill} sent, ${waitingForRetry} waiting for retry; ${unrecorded.size} claimed but unrecorded at the kill (the bound; ${chaos.vendor} had received ${receivedBeforeKill} of them before it); ${outcome.sent - outcome.reportedSent.size} sent without an outcome event`,
    });
    expect(sentAtKill).toBeLessThan(messages);
    expect(waitingForRetry).toBeGreaterThan(0);
    expect(outcome.lostIds).toEqual([]);
    expect(outcome.deadLettersWithoutReason).toEqual([]);
    expect(outcome.deadLetterCategories).toEqual({});
    expect(outcome.reportedButNotSent).toEqual([]);
    // Killed between the ledger and the outcome event: the redelivery repeats the event.
    expect(outcome.reportedSent.size).toBe(outcome.sent);
    // The documented limit: a send the vendor accepted but the ledger never recorded is the only kind that may repeat;
    // each is a message claimed at the kill.
    expect(outcome.duplicated.filter((id) => !unrecorded.has(id))).toEqual([]);
    expect(outcome.duplicates).toBeLessThanOrEqual(unrecorded.size);
  });
});
