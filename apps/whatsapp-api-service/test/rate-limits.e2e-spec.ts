import { createTestVhost, outboundEnvelope, RecordedRequest, TestVhost } from '@lib/testing';
import { EgressSandbox } from '../sandbox/egress-sandbox';
import { ServiceProcess } from '../sandbox/service-process';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const SLOW = { tenantId: 'slow', phoneNumberId: '400000000000001', accessToken: 'EAAG-slow', messagesPerSecond: 5 };
const FAST = { tenantId: 'fast', phoneNumberId: '400000000000002', accessToken: 'EAAG-fast', messagesPerSecond: 80 };
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

function rateLimitSandbox(replicas: string) {
  const context: { vhost?: TestVhost; sandbox?: EgressSandbox } = {};
  beforeAll(async () => {
    context.vhost = await createTestVhost('wa-rate-limits');
    context.sandbox = await EgressSandbox.start({ rabbitmqUrl: context.vhost.url, redisUrl: REDIS_URL, env: { EXPECTED_REPLICAS: replicas } });
    for (const tenant of [SLOW, FAST, SHARED]) context.sandbox.addTenant(tenant);
  });
  afterAll(async () => {
    await context.sandbox?.stop();
    await context.vhost?.dispose();
  });
  const sentBy = (tenant: { phoneNumberId: string }) => context.sandbox!.meta.accepted().filter((r) => r.phoneNumberId === tenant.phoneNumberId);
  const throttledBy = (tenant: { phoneNumberId: string }) =>
    context.sandbox!.meta.requests.filter((r) => r.phoneNumberId === tenant.phoneNumberId && r.errorCode === 130429);
  return { sandbox: () => context.sandbox!, sentBy, throttledBy };
}

describe('per-tenant rate limit, one replica (real RabbitMQ and Redis)', () => {
  const { sandbox, sentBy, throttledBy } = rateLimitSandbox('1');

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
    expect(throttledBy(SLOW)).toHaveLength(0);
  }, 180_000);
});

describe('per-tenant rate limit, two replicas on one queue (real RabbitMQ and Redis)', () => {
  const { sandbox, sentBy, throttledBy } = rateLimitSandbox('2');

  it('keeps both replicas together within the tenant limit', async () => {
    const replica = await ServiceProcess.start({ ...sandbox().env, LOG_LEVEL: 'warn' });
    try {
      const shared = Array.from({ length: 60 }, (_, i) => outboundEnvelope({ ...SHARED, to: `+4917${String(i).padStart(9, '0')}` }));
      for (const envelope of shared) await sandbox().publish(envelope);
      const statuses = await Promise.all(shared.map((e) => sandbox().waitForStatus(e.metadata.internalId, 60_000)));
      expect(statuses.every((s) => s.status === 'sent')).toBe(true);
      expect(sentBy(SHARED)).toHaveLength(60);
      expect(busiestSecond(sentBy(SHARED))).toBeLessThanOrEqual(SHARED.messagesPerSecond);
      expect(throttledBy(SHARED)).toHaveLength(0);
    } finally {
      expect(await replica.stop()).toBe(0);
    }
  }, 120_000);
});
