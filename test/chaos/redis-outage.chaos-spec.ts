import { createTestVhost, PrivateRedisServer, TestVhost, waitUntil } from '@lib/testing';
import Redis from 'ioredis';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { recordScenario } from './support/chaos-report';
import { FaultObserver } from './support/fault-observer';
import { chaosTenants, FaultRig, settleAndCount, waitForSentEvents } from './support/fault-rig';

const run = promisify(execFile);
const MESSAGES = 4000;
/** Sends Meta must accept while Redis is down, to show that delivery goes on. */
const SENT_WHILE_DOWN = 500;
const REDIS_DOWN_MS = 3000;
/** Published once Redis is back: their `sent` records must land in Redis again. */
const MESSAGES_AFTER = 200;
const TENANTS = chaosTenants('no-ledger', 4, 830000000000001);
const SERVICE_ENV = { HANDLER_TIMEOUT_MS: '5000', META_API_TIMEOUT_MS: '3000', RETRY_BASE_DELAY_MS: '1000', RETRY_MAX_DELAY_MS: '4000' };

const redisMode = (url: string): Promise<string | undefined> =>
  fetch(`${url}/health/ready`).then(
    async (response) => (await response.json())?.details?.redis?.mode,
    () => undefined,
  );

describe('scenario 3: Redis stopped mid-run and started again (a private Redis)', () => {
  let vhost: TestVhost;
  let redis: PrivateRedisServer;
  let rig: FaultRig;
  let observer: FaultObserver;

  beforeAll(async () => {
    vhost = await createTestVhost('chaos-redis');
    redis = await PrivateRedisServer.start();
    rig = await FaultRig.start({ rabbitmqUrl: vhost.url, redisUrl: redis.url, metaLatencyMs: 50, tenants: TENANTS, env: SERVICE_ENV });
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
    observer = new FaultObserver(vhost.url);
    await observer.connect();
    const { envelopes, published } = rig.envelopes(TENANTS, MESSAGES, '+4917300');
    await observer.publish(envelopes);
    await waitUntil('a quarter of the messages to be sent', () => rig.acceptedFor(published) >= MESSAGES / 4, 60_000);

    let sentWhenDown = 0;
    let sentWhileDown: number;
    try {
      await redis.stop();
      const stoppedAt = Date.now();
      await waitUntil('readiness to report Redis degraded', async () => (await redisMode(service.url)) === 'degraded', 10_000);
      sentWhenDown = rig.acceptedFor(published);
      await waitUntil(
        `${SENT_WHILE_DOWN} sends while Redis is down`,
        () => rig.acceptedFor(published) >= Math.min(MESSAGES, sentWhenDown + SENT_WHILE_DOWN),
        30_000,
      );
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, stoppedAt + REDIS_DOWN_MS - Date.now())));
      sentWhileDown = rig.acceptedFor(published) - sentWhenDown;
      expect(await redisMode(service.url)).toBe('degraded');
    } finally {
      await redis.start();
    }
    const backAt = Date.now();
    await waitUntil('readiness to report shared state again', async () => (await redisMode(service.url)) === 'shared', 30_000);
    const recoverySeconds = (Date.now() - backAt) / 1000;

    const after = rig.envelopes(TENANTS, MESSAGES_AFTER, '+4917301');
    await observer.publish(after.envelopes);
    const outcome = await settleAndCount(
      rig,
      observer,
      [...published, ...after.published],
      () => run('rabbitmqctl', ['-q', '-s', 'list_queues', '-p', vhost.name, 'name', 'messages']).then(({ stdout }) => stdout),
      60_000,
    );
    recordScenario({
      scenario: '3 Redis stopped mid-run, started again',
      published: outcome.published,
      sent: outcome.sent,
      duplicates: outcome.duplicates,
      deadLettered: outcome.deadLettered,
      lost: outcome.lost,
      notes: `down ${REDIS_DOWN_MS / 1000} s, degraded from ${sentWhenDown} sent; ${sentWhileDown} sent while down; shared again ${recoverySeconds.toFixed(1)} s after restart, ledger in Redis again`,
    });
    expect(sentWhileDown).toBeGreaterThanOrEqual(Math.min(SENT_WHILE_DOWN, MESSAGES - sentWhenDown));
    expect(outcome.lostIds).toEqual([]);
    expect(outcome.deadLettersWithoutReason).toEqual([]);
    expect(outcome.deadLetterCategories).toEqual({});
    expect(outcome.reportedButNotSent).toEqual([]);
    const ledger = new Redis(redis.url);
    const recorded = await ledger.mget(...after.published.map((m) => `${rig.env.REDIS_KEY_PREFIX}msg:${m.tenantId}:${m.internalId}`));
    ledger.disconnect();
    expect(recorded.filter((value) => value?.startsWith('sent:'))).toHaveLength(MESSAGES_AFTER);
    // One replica: its in-process ledger covers the outage, so nothing is sent twice.
    expect(outcome.duplicated).toEqual([]);
    await waitForSentEvents(observer, [...outcome.acceptedCalls.keys()]);
  });
});
