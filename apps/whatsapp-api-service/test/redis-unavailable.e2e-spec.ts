import { outboundEnvelope } from '@lib/testing';
import request from 'supertest';
import { useEgressSandbox } from '../sandbox/use-egress-sandbox';

const TENANT = { tenantId: 'no-redis', phoneNumberId: '600000000000001', accessToken: 'EAAG-no-redis' };

describe('Redis unreachable (real RabbitMQ)', () => {
  // Nothing listens on port 1: every Redis command fails at once.
  const sandbox = useEgressSandbox('wa-no-redis', { env: { REDIS_URL: 'redis://127.0.0.1:1', REDIS_KEY_PREFIX: 'unreachable:' } }, [
    TENANT,
  ]);

  it('keeps delivering with per-replica guarantees and reports readiness as degraded, not down', async () => {
    const envelope = outboundEnvelope(TENANT);
    await sandbox().publish(envelope);
    await sandbox().publish(envelope);
    expect(await sandbox().waitForStatus(envelope.metadata.internalId)).toMatchObject({ status: 'sent' });

    const { status, body } = await request(sandbox().app.getHttpServer()).get('/health/ready');
    expect(status).toBe(200);
    expect(body.info.redis).toMatchObject({ status: 'up', mode: 'degraded' });
    const { text: metrics } = await request(sandbox().app.getHttpServer()).get('/metrics');
    expect(metrics).toMatch(/^whatsapp_api_service_redis_connected 0$/m);

    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(
      sandbox()
        .meta.accepted()
        .filter((r) => r.body?.to === envelope.wabaPayload.to),
    ).toHaveLength(1);
  });
});
