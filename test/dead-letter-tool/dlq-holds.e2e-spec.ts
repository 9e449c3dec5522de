import { outboundEnvelope } from '@lib/testing';
import { useEgressSandbox } from '../../apps/whatsapp-api-service/sandbox/use-egress-sandbox';
import { spawnDlq } from '../../apps/dlq-cli/test/run-dlq';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const DAY_MS = 24 * 60 * 60 * 1000;
const BLOCKED = { tenantId: 'blocked', phoneNumberId: '100000000000011', accessToken: 'EAAG-blocked-token' };

/**
 * The tool beside the real service: Meta (simulated) blocks one tenant's account (368), the service
 * holds it, and the message that met the refusal reaches its 24 h bound behind the hold and is
 * dead-lettered as expired. The tool shows the hold from Redis and the expired entry with the account's
 * reason.
 */
describe('dead-letter tool: account holds (real broker and Redis, simulated Meta)', () => {
  const sandbox = useEgressSandbox('dlq-holds', { redisUrl: REDIS_URL }, [BLOCKED]);
  const redisEnv = () => ({ REDIS_URL: sandbox().env.REDIS_URL, REDIS_KEY_PREFIX: sandbox().env.REDIS_KEY_PREFIX });
  const aged = outboundEnvelope({ ...BLOCKED, to: '+491700000021' });

  beforeAll(async () => {
    sandbox().meta.inject('368', { match: { phoneNumberId: BLOCKED.phoneNumberId }, times: Infinity });
    // A message a day old but for a second: Meta's refusal holds the tenant, and it expires waiting.
    await sandbox().publishAsReturning(aged, { 'x-first-seen-at': Date.now() - DAY_MS + 1000 });
    expect(await sandbox().waitForStatus(aged.metadata.internalId, 20_000)).toMatchObject({ error: { category: 'MESSAGE_EXPIRED' } });
  });

  it('lists the tenants on hold with their code, reason, since and next probe (--json, spawned process)', async () => {
    const { code, out } = await spawnDlq(['holds', '--json'], redisEnv()).result;
    expect(code).toBe(0);
    const listing = JSON.parse(out);
    expect(listing).toEqual({
      keyPrefix: sandbox().env.REDIS_KEY_PREFIX,
      total: 1,
      holds: [
        {
          tenantId: BLOCKED.tenantId,
          code: 368,
          reason: expect.stringContaining('(#368) Temporarily blocked for policies violations'),
          since: expect.any(String),
          nextProbeAt: expect.any(String),
          probeIntervalMs: 6 * 60 * 60 * 1000,
        },
      ],
    });
    expect(Date.parse(listing.holds[0].nextProbeAt)).toBeGreaterThan(Date.parse(listing.holds[0].since));
  });

  it('prints them as a table', async () => {
    const { code, out } = await spawnDlq(['holds'], redisEnv()).result;
    expect(code).toBe(0);
    expect(out).toContain('1 tenant on account hold');
    expect(out).toMatch(/TENANT\s+CODE\s+SINCE\s+NEXT PROBE\s+REASON/);
    expect(out).toMatch(/blocked\s+368\s+\d+[smhd] ago\s+in \d+[smhd]\s+\(#368\) Temporarily blocked/);
  });

  it("shows the expired dead letter with the account's code and reason", async () => {
    const { code, out } = await spawnDlq(['list', '--category', 'MESSAGE_EXPIRED', '--json'], { RABBITMQ_URL: sandbox.vhost().url }).result;
    expect(code).toBe(0);
    const [entry] = JSON.parse(out).entries;
    expect(entry).toMatchObject({
      messageId: aged.metadata.internalId,
      tenantId: BLOCKED.tenantId,
      category: 'MESSAGE_EXPIRED',
      code: '368',
    });
    expect(entry.reason).toContain('(#368) Temporarily blocked for policies violations');
  });

  it('lifts a hold on request, once', async () => {
    const lifted = await spawnDlq(['lift-hold', BLOCKED.tenantId, '--json'], redisEnv()).result;
    expect(lifted.code).toBe(0);
    expect(JSON.parse(lifted.out)).toMatchObject({ lifted: { tenantId: BLOCKED.tenantId, code: 368 } });
    const listed = await spawnDlq(['holds'], redisEnv()).result;
    expect(listed.out).toContain('no tenant on account hold');
    const again = await spawnDlq(['lift-hold', BLOCKED.tenantId], redisEnv()).result;
    expect(again.code).toBe(1);
    expect(again.err).toContain("tenant 'blocked' is not on account hold");
  });
});
