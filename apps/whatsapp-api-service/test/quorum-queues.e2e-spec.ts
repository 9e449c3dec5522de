import { outboundEnvelope } from '@lib/testing';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { useEgressSandbox } from '../sandbox/use-egress-sandbox';

const run = promisify(execFile);
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const ACME = { tenantId: 'acme', phoneNumberId: '330000000000001', accessToken: 'EAAG-quorum-acme' };
const PACED = { tenantId: 'paced', phoneNumberId: '330000000000002', accessToken: 'EAAG-quorum-paced', messagesPerSecond: 2 };

let recipientSeq = 0;
const recipient = () => `+49177${String(++recipientSeq).padStart(7, '0')}`;

/** The same paths as on classic queues (sent, retried through a wait queue, parked in a delay queue, dead-lettered), on quorum queues. */
describe('whatsapp-api-service on quorum queues (real RabbitMQ and Redis)', () => {
  const sandbox = useEgressSandbox(
    'wa-quorum',
    { redisUrl: REDIS_URL, env: { RABBITMQ_QUEUE_TYPE: 'quorum', RETRY_BASE_DELAY_MS: '200', RETRY_MAX_DELAY_MS: '800' } },
    [ACME, PACED],
  );

  async function queueTypes(): Promise<Record<string, string>> {
    const args = ['-q', 'list_queues', '-p', sandbox.vhost().name, 'name', 'type', '--formatter', 'json'];
    const rows = JSON.parse((await run('rabbitmqctl', args)).stdout) as Array<{ name: string; type: string }>;
    return Object.fromEntries(rows.filter((row) => row.name.startsWith('outbound-')).map((row) => [row.name, row.type]));
  }

  it('sends a message, and retries one through a quorum wait queue', async () => {
    const [plain, failing] = [recipient(), recipient()];
    sandbox().meta.inject('131000', { match: { to: failing } });
    const envelopes = [outboundEnvelope({ ...ACME, to: plain }), outboundEnvelope({ ...ACME, to: failing })];
    for (const envelope of envelopes) await sandbox().publish(envelope);

    const statuses = await Promise.all(envelopes.map((envelope) => sandbox().waitForStatus(envelope.metadata.internalId)));
    expect(statuses.map((status) => [status.status, status.attempts])).toEqual([
      ['sent', 1],
      ['sent', 2],
    ]);
  });

  it('parks messages over a number’s limit in a quorum delay queue and sends them at their slots', async () => {
    const envelopes = Array.from({ length: 6 }, () => outboundEnvelope({ ...PACED, to: recipient() }));
    for (const envelope of envelopes) await sandbox().publish(envelope);
    const statuses = await Promise.all(envelopes.map((envelope) => sandbox().waitForStatus(envelope.metadata.internalId, 20_000)));
    expect(statuses.every((status) => status.status === 'sent')).toBe(true);
    const types = await queueTypes();
    const delayQueues = Object.keys(types).filter((name) => name.startsWith(`outbound-processed.delay.${PACED.tenantId}.`));
    expect(delayQueues.map((name) => types[name])).toEqual(['quorum']);
  });

  it('dead-letters a permanent failure with its reason into the quorum dead-letter queue', async () => {
    const to = recipient();
    sandbox().meta.inject('131026', { match: { to } });
    const envelope = outboundEnvelope({ ...ACME, to });
    await sandbox().publish(envelope);
    expect(await sandbox().waitForStatus(envelope.metadata.internalId)).toMatchObject({ status: 'failed' });
    expect(sandbox().deadLetterOf(envelope.metadata.internalId)?.headers['x-error-category']).toBe('RECIPIENT_UNAVAILABLE');
  });

  it('declared every queue of the service as a quorum queue', async () => {
    const types = await queueTypes();
    expect(Object.keys(types)).toEqual(expect.arrayContaining(['outbound-processed', 'outbound-failed', 'outbound-processed.retry.200ms']));
    expect(Object.values(types).every((type) => type === 'quorum')).toBe(true);
  });
});
