import { BrokerProbe, outboundEnvelope, waitUntil } from '@lib/testing';
import request from 'supertest';
import { useEgressSandbox } from '../sandbox/use-egress-sandbox';
import { ServiceProcess } from '../sandbox/service-process';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const TENANT = { tenantId: 'steady', phoneNumberId: '500000000000001', accessToken: 'EAAG-steady', messagesPerSecond: 1000 };

describe('staying up (real RabbitMQ and Redis)', () => {
  const sandbox = useEgressSandbox('wa-staying-up', { redisUrl: REDIS_URL, metaLatencyMs: 30 }, [TENANT]);

  const acceptedPerRecipient = (recipients: string[]) =>
    recipients.map(
      (to) =>
        sandbox()
          .meta.accepted()
          .filter((request) => request.body?.to === to).length,
    );

  it('reconnects after the broker closes its connection and delivers every message once', async () => {
    const messages = Array.from({ length: 300 }, (_, i) => outboundEnvelope({ ...TENANT, to: `+4918${String(i).padStart(9, '0')}` }));
    for (const envelope of messages) await sandbox().publish(envelope);
    await waitUntil('some deliveries', () => sandbox().meta.accepted().length >= 30);

    expect(await sandbox.vhost().closeConnections([BrokerProbe.CONNECTION_NAME])).toBeGreaterThan(0);
    const readiness: number[] = [];
    await waitUntil('readiness to recover', async () => {
      const { status } = await request(sandbox().app.getHttpServer()).get('/health/ready');
      readiness.push(status);
      return status === 200 && readiness.includes(503);
    });

    const statuses = await Promise.all(messages.map((e) => sandbox().waitForStatus(e.metadata.internalId, 30_000)));
    expect(statuses.every((s) => s.status === 'sent')).toBe(true);
    expect(acceptedPerRecipient(messages.map((e) => e.wabaPayload.to as string)).every((count) => count === 1)).toBe(true);
    await waitUntil('an empty work queue', async () => (await sandbox().probe.messageCount('outbound-processed')) === 0);
  });

  it('settles in-flight messages on SIGTERM under load, exits 0, and nothing is sent twice', async () => {
    const replica = await ServiceProcess.start({ ...sandbox().env, LOG_LEVEL: 'info' });
    const messages = Array.from({ length: 600 }, (_, i) => outboundEnvelope({ ...TENANT, to: `+4919${String(i).padStart(9, '0')}` }));
    for (const envelope of messages) await sandbox().publish(envelope);
    await waitUntil('the load to be under way', () => sandbox().meta.accepted().length >= 380);

    expect(await replica.stop('SIGTERM')).toBe(0);
    const stopped = replica
      .output()
      .split('\n')
      .find((line) => line.includes('"consumers_stopped"'));
    expect(JSON.parse(stopped!)).toMatchObject({ drained: true, unsettled: 0 });
    expect(replica.output()).toContain('"message_sent"');

    const statuses = await Promise.all(messages.map((e) => sandbox().waitForStatus(e.metadata.internalId, 60_000)));
    expect(statuses.every((s) => s.status === 'sent')).toBe(true);
    expect(acceptedPerRecipient(messages.map((e) => e.wabaPayload.to as string)).every((count) => count === 1)).toBe(true);
  }, 120_000);
});
