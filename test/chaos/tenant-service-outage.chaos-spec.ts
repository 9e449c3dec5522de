import { createTestVhost, PrivateRedisServer, TestVhost, waitUntil } from '@lib/testing';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { recordScenario } from './support/chaos-report';
import { FaultObserver } from './support/fault-observer';
import { settleAndCount, waitForSentEvents } from './support/fault-rig';
import { chaosTenants, WhatsappFaultRig } from './support/whatsapp-fault-rig';

const run = promisify(execFile);
const OUTAGE_MS = 30_000;
const CACHED = chaosTenants('cached', 2, 840000000000001);
const COLD = chaosTenants('cold', 2, 840000000000101);
const SERVICE_ENV = { TENANT_SERVICE_TIMEOUT_MS: '1000', RETRY_BASE_DELAY_MS: '1000', RETRY_MAX_DELAY_MS: '4000' };

const tenantServiceMode = (url: string): Promise<string | undefined> =>
  fetch(`${url}/health/ready`).then(
    async (response) => (await response.json())?.details?.tenantService?.mode,
    () => undefined,
  );

describe('scenario 4: the tenant service down for 30 s mid-run', () => {
  let vhost: TestVhost;
  let redis: PrivateRedisServer;
  let rig: WhatsappFaultRig;
  let observer: FaultObserver;

  beforeAll(async () => {
    vhost = await createTestVhost('chaos-tenants');
    redis = await PrivateRedisServer.start();
    rig = await WhatsappFaultRig.start({
      rabbitmqUrl: vhost.url,
      redisUrl: redis.url,
      metaLatencyMs: 50,
      tenants: [...CACHED, ...COLD],
      env: SERVICE_ENV,
    });
  });

  afterAll(async () => {
    await observer?.close();
    await rig?.stop();
    await redis?.dispose();
    await vhost?.dispose();
  });

  it('keeps sending for cached tenants, retries the others without dead-lettering them, and sends them once it is back', async () => {
    const service = await rig.startService();
    observer = new FaultObserver(vhost.url);
    await observer.connect();
    const warm = rig.envelopes(CACHED, 200, '+4917400');
    await observer.publish(warm.envelopes);
    await waitUntil('the cached tenants to be sent (their credentials cached)', () => rig.acceptedFor(warm.published) === 200, 30_000);

    const port = rig.tenantService.port;
    const during = [
      rig.envelopes(CACHED, 1000, '+4917401'),
      rig.envelopes(COLD, 400, '+4917402'),
      rig.envelopes(CACHED, 500, '+4917403'),
      rig.envelopes(COLD, 200, '+4917404'),
    ];
    const cachedDuring = [...during[0].published, ...during[2].published];
    const coldDuring = [...during[1].published, ...during[3].published];
    let restoredAt = 0;
    let reportedDegraded: boolean;
    try {
      await rig.tenantService.stop();
      const downAt = Date.now();
      // Two waves, at the start and in the middle of the outage.
      await observer.publish([...during[0].envelopes, ...during[1].envelopes]);
      await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS / 2));
      await observer.publish([...during[2].envelopes, ...during[3].envelopes]);
      await waitUntil(
        'every cached tenant message of the outage to be sent during it',
        () => rig.acceptedFor(cachedDuring) === cachedDuring.length,
        OUTAGE_MS / 2 - 2000,
      );
      await waitUntil(
        'readiness to report the tenant service degraded',
        async () => (await tenantServiceMode(service.url)) === 'degraded',
        10_000,
      );
      reportedDegraded = true;
      expect(rig.acceptedFor(coldDuring)).toBe(0);
      expect(observer.deadLetters).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, downAt + OUTAGE_MS - Date.now())));
    } finally {
      await rig.tenantService.start(port);
      restoredAt = Date.now();
    }

    const published = [...warm.published, ...during.flatMap((batch) => batch.published)];
    const outcome = await settleAndCount(
      rig,
      observer,
      published,
      () => run('rabbitmqctl', ['-q', '-s', 'list_queues', '-p', vhost.name, 'name', 'messages']).then(({ stdout }) => stdout),
      60_000,
    );
    const coldRecipients = new Set(coldDuring.map((m) => m.sendKey));
    const coldSends = rig.meta.accepted().filter((request) => coldRecipients.has(request.body?.to));
    const coldDoneSeconds = (Math.max(...coldSends.map((request) => request.receivedAt)) - restoredAt) / 1000;
    recordScenario({
      scenario: '4 tenant service down 30 s mid-run',
      published: outcome.published,
      sent: outcome.sent,
      duplicates: outcome.duplicates,
      deadLettered: outcome.deadLettered,
      lost: outcome.lost,
      notes: `${cachedDuring.length} of cached tenants sent during the outage; ${coldDuring.length} of uncached tenants retried, all sent within ${coldDoneSeconds.toFixed(1)} s of its end; readiness degraded meanwhile`,
    });
    expect(reportedDegraded).toBe(true);
    expect(outcome.lostIds).toEqual([]);
    expect(outcome.deadLettersWithoutReason).toEqual([]);
    expect(outcome.deadLetterCategories).toEqual({});
    expect(outcome.reportedButNotSent).toEqual([]);
    expect(coldSends.every((request) => request.receivedAt >= restoredAt)).toBe(true);
    expect(outcome.duplicated).toEqual([]);
    await waitForSentEvents(observer, [...outcome.acceptedCalls.keys()]);
  });
});
