import { MetricFactory } from '@lib/observability';
import { RedisConnection, RedisScript } from '@lib/resilience';
import { waitUntil } from '@lib/testing';
import { createHash, randomBytes } from 'node:crypto';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Scripts by SHA1 over the service's own (auto-pipelined) connection, against a real Redis. */
describe('RedisScript', () => {
  const prefix = `script-e2e-${randomBytes(4).toString('hex')}:`;
  const options = { redisUrl: REDIS_URL, keyPrefix: prefix, expectedReplicas: 1, maxRateLimitWaitMs: 1000, staleClaimMs: 60_000 };
  const connection = new RedisConnection(options, new MetricFactory({ serviceName: 'script-e2e', version: '0', logLevel: 'silent' }));
  const redis = () => connection.client!;

  beforeAll(() => waitUntil('Redis connected', () => connection.available));
  afterAll(async () => {
    const keys = await redis().keys(`${prefix}*`);
    if (keys.length > 0) await redis().del(...keys);
    await connection.onApplicationShutdown();
  });

  it('loads a script Redis does not know (NOSCRIPT) by its text once, then runs it by its SHA1', async () => {
    // A comment of its own: no other run has loaded this script.
    const lua = `-- ${prefix}\nreturn redis.call('INCRBY', KEYS[1], ARGV[1])`;
    const sha = createHash('sha1').update(lua).digest('hex');
    const script = new RedisScript(lua, 1);
    expect(await redis().script('EXISTS', sha)).toEqual([0]);

    expect(await script.run(redis(), [`${prefix}counter`, 2])).toBe(2);
    expect(await redis().script('EXISTS', sha)).toEqual([1]);
    expect(await script.run(redis(), [`${prefix}counter`, 3])).toBe(5);
  });

  it('answers each of many runs issued in one tick with its own result (one auto-pipelined write)', async () => {
    const script = new RedisScript(`return redis.call('INCR', KEYS[1])`, 1);
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => script.run(redis(), [`${prefix}k${i % 4}`])));
    for (let key = 0; key < 4; key += 1) {
      expect(results.filter((_, i) => i % 4 === key)).toEqual(Array.from({ length: 50 }, (_, n) => n + 1));
    }
  });

  it('passes a script error through instead of retrying it as NOSCRIPT', async () => {
    const script = new RedisScript(`return redis.call('NO-SUCH-COMMAND')`, 0);
    await expect(script.run(redis(), [])).rejects.toThrow(/unknown command|Unknown Redis command/i);
  });
});
