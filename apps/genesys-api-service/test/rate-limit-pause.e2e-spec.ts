import { inboundEnvelope, ServiceProcess, waitUntil } from '@lib/testing';
import { genesysTenant } from '../sandbox/genesys-sandbox';
import { GENESYS_ENTRY_POINT } from '../sandbox/genesys-sandboxed-service';
import { useGenesysSandbox } from '../sandbox/use-genesys-sandbox';
import { callsOf, REDIS_URL } from './support/genesys-e2e';

/** Genesys's requests a minute per token for PACED's OAuth client. */
const TOKEN_LIMIT = 20;
/** How far into Genesys's one-minute window the 429 comes: Retry-After is about the rest of it. */
const INTO_WINDOW_MS = 55_000;
const PACED = { ...genesysTenant('mypurecloud.ie'), rateLimits: { requestsPerMinute: 600, burstSize: 50 }, requestsPerMinute: TOKEN_LIMIT };
const OTHER = genesysTenant('mypurecloud.ie');

/** Genesys's clock: frozen while the windows fill, then running from just before their end. */
let frozenAt: number | undefined = Date.now();
let offsetMs = 0;
const genesysClock = () => frozenAt ?? Date.now() + offsetMs;

let customerSeq = 0;
const customer = () => `49180${String(++customerSeq).padStart(7, '0')}`;
const logLines = (replica: ServiceProcess) =>
  replica
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line));

/**
 * Two replicas (processes) share Redis. Genesys answers one of them 429 with Retry-After: the tenant's
 * sends pause until then on both, the message waits without spending an attempt, and another tenant's
 * messages flow meanwhile. Each replica holds its own token, and Genesys limits each token: both
 * tokens are filled to their limit at the same moment, so any call of either replica before the
 * window ends would be answered 429 too. Exactly one 429 means neither called during the pause.
 */
describe('a 429 pauses the tenant on every replica until Retry-After (real RabbitMQ and Redis, two replicas)', () => {
  const sandbox = useGenesysSandbox(
    'gen-429-pause',
    { redisUrl: REDIS_URL, inProcessService: false, genesysClock, env: { RETRY_BASE_DELAY_MS: '100', RETRY_MAX_DELAY_MS: '400' } },
    [PACED, OTHER],
  );
  const replicas: ServiceProcess[] = [];

  beforeAll(async () => {
    const env = { ...sandbox().env, LOG_LEVEL: 'debug' };
    replicas.push(...(await Promise.all([ServiceProcess.start(GENESYS_ENTRY_POINT, env), ServiceProcess.start(GENESYS_ENTRY_POINT, env)])));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.stop('SIGKILL')));
  });

  async function deliver(tenantId: string) {
    const envelope = inboundEnvelope({ tenantId, from: customer() });
    await sandbox().publish(envelope);
    return envelope;
  }

  /** Each replica's token, once both have sent one of PACED's messages (at Genesys's frozen moment). */
  async function tokensOfBothReplicas(): Promise<string[]> {
    const tokens = () => [...new Set(callsOf(sandbox().genesys, PACED, 'message').map((call) => call.headers.authorization!))];
    while (tokens().length < replicas.length) {
      const envelope = await deliver(PACED.tenantId);
      await sandbox().waitForCorrelation(envelope.metadata.whatsapp_message_id);
    }
    return tokens();
  }

  /** Spends what is left of a token's window, as other clients of the same token would. */
  async function spendTheRestOf(bearer: string): Promise<void> {
    const used = sandbox().genesys.requests.filter((call) => call.headers.authorization === bearer).length;
    const details = `${sandbox().genesys.apiUrl(PACED.region)}/api/v2/conversations/messages/${'0'.repeat(32)}/details`;
    for (let call = used; call < TOKEN_LIMIT; call += 1) await fetch(details, { headers: { authorization: bearer } });
  }

  it('holds every replica back until Retry-After, spends no attempt, and lets another tenant flow', async () => {
    for (const bearer of await tokensOfBothReplicas()) await spendTheRestOf(bearer);
    offsetMs = frozenAt! + INTO_WINDOW_MS - Date.now();
    frozenAt = undefined;

    const first = await deliver(PACED.tenantId);
    await waitUntil('Genesys’s 429', () => callsOf(sandbox().genesys, PACED, 'message').some((call) => call.status === 429));
    const paused = [first];
    for (let i = 0; i < 7; i += 1) paused.push(await deliver(PACED.tenantId));
    const others = [];
    for (let i = 0; i < 5; i += 1) others.push(await deliver(OTHER.tenantId));
    await Promise.all(
      [...paused, ...others].map((envelope) => sandbox().waitForCorrelation(envelope.metadata.whatsapp_message_id, 30_000)),
    );

    const calls = callsOf(sandbox().genesys, PACED, 'message');
    const refused = calls.filter((call) => call.status === 429);
    expect(refused).toHaveLength(1);
    expect(refused[0].errorCode).toBe('too.many.requests.retry.after');
    const afterPause = calls.slice(calls.indexOf(refused[0]) + 1);
    expect(afterPause.map((call) => call.status)).toEqual(paused.map(() => 200));

    const accepted = sandbox().genesys.accepted();
    const resumedAt = accepted.indexOf(afterPause[0]);
    for (const envelope of others) {
      expect(accepted.findIndex((call) => (call.body as any).channel.messageId === envelope.metadata.whatsapp_message_id)).toBeLessThan(
        resumedAt,
      );
    }

    const lines = replicas.map(logLines);
    for (const own of lines) {
      expect(
        own.some(
          (line) => line.event === 'message_retry_scheduled' && line.category === 'RATE_LIMITED_PAUSE' && line.tenantId === PACED.tenantId,
        ),
      ).toBe(true);
    }
    const sentFirst = lines
      .flat()
      .find((line) => line.event === 'message_sent' && line.whatsappMessageId === first.metadata.whatsapp_message_id);
    expect(sentFirst).toMatchObject({ attempt: 1 });
    expect(lines.flat().some((line) => line.tenantId === OTHER.tenantId && line.category === 'RATE_LIMITED_PAUSE')).toBe(false);
    expect(sandbox().deadLetters).toEqual([]);
  }, 90_000);
});
