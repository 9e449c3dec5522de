import { createTestVhost, PrivateRedisServer, TestVhost, waitUntil } from '@lib/testing';
import Redis from 'ioredis';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { genesysCase, whatsappCase } from './support/chaos-cases';
import { recordScenario } from './support/chaos-report';
import { FaultObserver } from './support/fault-observer';
import { acceptedFor, FaultRig, settleAndCount, waitForSentEvents } from './support/fault-rig';
import { genesysChaosTenants } from './support/genesys-fault-rig';
import { chaosTenants } from './support/whatsapp-fault-rig';

const run = promisify(execFile);
/** Sends the vendor must accept while Redis is down, to show that delivery goes on. */
const SENT_WHILE_DOWN = 500;
const REDIS_DOWN_MS = 3000;
/** Published once Redis is back: their `sent` records must land in Redis again. */
const MESSAGES_AFTER = 200;
const CASES = [
  { chaos: whatsappCase(chaosTenants('no-ledger', 4, 830000000000001)), messages: 4000, label: '+4917300', afterLabel: '+4917301' },
  { chaos: genesysCase(genesysChaosTenants(4)), messages: 3000, label: '+4917310', afterLabel: '+4917311' },
];
const SERVICE_ENV = { HANDLER_TIMEOUT_MS: '5000', RETRY_BASE_DELAY_MS: '1000', RETRY_MAX_DELAY_MS: '4000' };

const redisMode = (url: string): Promise<string | undefined> =>
  fetch(`${url}/health/ready`).then(
    async (response) => (await response.json())?.details?.redis?.mode,
    () => undefined,
  );

describe.each(CASES)(
  'scenario 3 ($chaos.service): Redis stopped mid-run and started again (a private Redis)',
  ({ chaos, messages, label, afterLabel }) => {
    let vhost: TestVhost;
    let redis: PrivateRedisServer;
    let rig: FaultRig;
    let observer: FaultObserver;

    beforeAll(async () => {
      vhost = await createTestVhost('chaos-redis');
      redis = await PrivateRedisServer.start();
      rig = await chaos.start({
        rabbitmqUrl: vhost.url,
        redisUrl: redis.url,
        vendorLatencyMs: 50,
        vendorTimeoutMs: 2000,
        env: SERVICE_ENV,
      });
    });

    afterAll(async () => {
      await observer?.close();
      await rig?.stop();
      await redis?.dispose();
      await vhost?.dispose();
    });

    it('keeps sending with per-process guarantees, reports Redis degraded, and goes back to shared state', async () => {
      const service = await rig.startService();
      expect(await redisMode(service.url)).toBe('shared');
      observer = new FaultObserver(vhost.url, rig.contract);
      await observer.connect();
      const { envelopes, published } = rig.batch(messages, label);
      await observer.publish(envelopes);
      await waitUntil('a quarter of the messages to be sent', () => acceptedFor(rig, published) >= messages / 4, 60_000);

      let sentWhenDown = 0;
      let sentWhileDown: number;
      try {
        await redis.stop();
        const stoppedAt = Date.now();
        await waitUntil('readiness to report Redis degraded', async () => (await redisMode(service.url)) === 'degraded', 10_000);
        sentWhenDown = acceptedFor(rig, published);
        await waitUntil(
          `${SENT_WHILE_DOWN} sends while Redis is down`,
          () => acceptedFor(rig, published) >= Math.min(messages, sentWhenDown + SENT_WHILE_DOWN),
          30_000,
        );
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, stoppedAt + REDIS_DOWN_MS - Date.now())));
        sentWhileDown = acceptedFor(rig, published) - sentWhenDown;
        expect(await redisMode(service.url)).toBe('degraded');
      } finally {
        await redis.start();
      }
      const backAt = Date.now();
      await waitUntil('readiness to report shared state again', async () => (await redisMode(service.url)) === 'shared', 30_000);
      const recoverySeconds = (Date.now() - backAt) / 1000;

      const after = rig.batch(MESSAGES_AFTER, afterLabel);
      await observer.publish(after.envelopes);
      const outcome = await settleAndCount(
        rig,
        observer,
        [...published, ...after.published],
        () => run('rabbitmqctl', ['-q', '-s', 'list_queues', '-p', vhost.name, 'name', 'messages']).then(({ stdout }) => stdout),
        60_000,
      );
      recordScenario({
        scenario: chaos.row('3 Redis stopped mid-run, started again'),
        published: outcome.published,
        sent: outcome.sent,
        duplicates: outcome.duplicates,
        deadLettered: outcome.deadLettered,
        lost: outcome.lost,
        notes: `down ${REDIS_DOWN_MS / 1000} s, degraded from ${sentWhenDown} sent; ${sentWhileDown} sent while down; shared again ${recoverySeconds.toFixed(1)} s after restart, ledger in Redis again`,
      });
      expect(sentWhileDown).toBeGreaterThanOrEqual(Math.min(SENT_WHILE_DOWN, messages - sentWhenDown));
      expect(outcome.lostIds).toEqual([]);
      expect(outcome.deadLettersWithoutReason).toEqual([]);
      expect(outcome.deadLetterCategories).toEqual({});
      expect(outcome.reportedButNotSent).toEqual([]);
      const ledger = new Redis(redis.url);
      const recorded = await ledger.mget(...after.published.map((m) => `${rig.env.REDIS_KEY_PREFIX}msg:${m.tenantId}:${m.id}`));
      ledger.disconnect();
      expect(recorded.filter((value) => value?.startsWith('sent:'))).toHaveLength(MESSAGES_AFTER);
      // One replica: its in-process ledger covers the outage, so nothing is sent twice.
      expect(outcome.duplicated).toEqual([]);
      await waitForSentEvents(observer, [...outcome.acceptedCalls.keys()]);
    });
  },
);
