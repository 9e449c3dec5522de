import { EGRESS_SERVICES } from '@lib/contracts';
import { holdInRedis, liftInRedis, readAccountHold } from '@lib/resilience';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { dlq } from './run-dlq';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const GENESYS_PREFIX = EGRESS_SERVICES.genesys.redisKeyPrefix;

/**
 * `holds` and `lift-hold` without `--key-prefix` or `REDIS_KEY_PREFIX` read the selected service's own
 * keys (real Redis). The hold is one of a tenant no service has, removed at the end whatever happens.
 */
describe('dead-letter tool: account holds of the selected service (real Redis)', () => {
  const tenantId = `dlq-spec-${randomBytes(4).toString('hex')}`;
  let redis: Redis;

  beforeAll(async () => {
    redis = new Redis(REDIS_URL);
    await holdInRedis(
      redis,
      GENESYS_PREFIX,
      tenantId,
      { code: 403, reason: 'integration not permitted', probeIntervalMs: 60_000 },
      Date.now(),
    );
  });

  afterAll(async () => {
    await liftInRedis(redis, GENESYS_PREFIX, tenantId);
    redis.disconnect();
  });

  const heldTenants = (out: string) => (JSON.parse(out).holds as { tenantId: string }[]).map((hold) => hold.tenantId);

  it("lists the hold under genesys's key prefix with --service genesys, and not under the default service's", async () => {
    const genesys = await dlq(['--service', 'genesys', 'holds', '--json', '--limit', '1000', '--redis-url', REDIS_URL]);
    expect(genesys.code).toBe(0);
    expect(JSON.parse(genesys.out)).toMatchObject({ keyPrefix: 'genesys-api-service:' });
    expect(heldTenants(genesys.out)).toContain(tenantId);

    const whatsapp = await dlq(['holds', '--json', '--limit', '1000', '--redis-url', REDIS_URL]);
    expect(whatsapp.code).toBe(0);
    expect(JSON.parse(whatsapp.out)).toMatchObject({ keyPrefix: 'whatsapp-api-service:' });
    expect(heldTenants(whatsapp.out)).not.toContain(tenantId);
  });

  it("lifts it from genesys's keys with --service genesys", async () => {
    expect((await dlq(['lift-hold', tenantId, '--redis-url', REDIS_URL])).code).toBe(1);
    const lifted = await dlq(['--service', 'genesys', 'lift-hold', tenantId, '--json', '--redis-url', REDIS_URL]);
    expect(lifted.code).toBe(0);
    expect(JSON.parse(lifted.out)).toMatchObject({ lifted: { tenantId, code: 403 } });
    expect(await readAccountHold(redis, GENESYS_PREFIX, tenantId)).toBeUndefined();
  });
});
