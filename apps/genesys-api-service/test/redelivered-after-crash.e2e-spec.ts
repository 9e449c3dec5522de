import { GENESYS_CORRELATION_EVENTS_QUEUE, GENESYS_INBOUND_QUEUE } from '@lib/contracts';
import { inboundEnvelope, ServiceProcess, waitUntil } from '@lib/testing';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { genesysTenant } from '../sandbox/genesys-sandbox';
import { GENESYS_ENTRY_POINT } from '../sandbox/genesys-sandboxed-service';
import { useGenesysSandbox } from '../sandbox/use-genesys-sandbox';
import { REDIS_URL } from './support/genesys-e2e';

const run = promisify(execFile);
const ACME = genesysTenant('apse1.pure.cloud');
const HOLD_POLICY = 'hold-correlation-events';

/**
 * The process dies (kill -9) after Genesys accepted a message and the ledger recorded it, but before
 * the broker confirmed its correlation event: the message was never acked, so the broker redelivers
 * it. The next process must publish the event without a second Genesys call. The window is held open
 * by a policy of the test's vhost that makes the broker refuse every publish to `correlation-events`
 * (a full queue that rejects publishes), so the first process keeps handing the message back.
 */
describe('a message redelivered after a crash between Genesys’s answer and its correlation event (real RabbitMQ and Redis)', () => {
  const sandbox = useGenesysSandbox('gen-crash', { redisUrl: REDIS_URL, inProcessService: false }, [ACME]);
  const replicas: ServiceProcess[] = [];

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.stop('SIGKILL')));
  });

  const setPolicy = (definition: object) =>
    run('rabbitmqctl', [
      '-q',
      'set_policy',
      '-p',
      sandbox.vhost().name,
      HOLD_POLICY,
      `^${GENESYS_CORRELATION_EVENTS_QUEUE.name}$`,
      JSON.stringify(definition),
      '--apply-to',
      'queues',
    ]);

  async function startReplica(): Promise<ServiceProcess> {
    const replica = await ServiceProcess.start(GENESYS_ENTRY_POINT, { ...sandbox().env, LOG_LEVEL: 'info' });
    replicas.push(replica);
    return replica;
  }

  it('publishes the correlation event from the ledger’s record, without calling Genesys again', async () => {
    const envelope = inboundEnvelope({ tenantId: ACME.tenantId, from: '4917200000001' });
    const wamid = envelope.metadata.whatsapp_message_id;
    const accepted = () =>
      sandbox()
        .genesys.accepted()
        .filter((call) => (call.body as any).channel.messageId === wamid);

    const first = await startReplica();
    await setPolicy({ 'max-length': 0, overflow: 'reject-publish' });
    await sandbox().publish(envelope);
    await waitUntil('Genesys to accept the message', () => accepted().length === 1);
    await waitUntil('the refused event to hand the message back', () => first.output().includes('"event":"message_handed_back"'));
    expect(first.output()).toContain('"event":"message_sent"');
    await first.stop('SIGKILL');
    expect(sandbox().correlationsOf(wamid)).toEqual([]);

    await run('rabbitmqctl', ['-q', 'clear_policy', '-p', sandbox.vhost().name, HOLD_POLICY]);
    const second = await startReplica();
    const event = await sandbox().waitForCorrelation(wamid, 30_000);
    await waitUntil('the message acked', async () => (await sandbox().probe.messageCount(GENESYS_INBOUND_QUEUE.queue)) === 0);

    expect(accepted()).toHaveLength(1);
    expect(event).toMatchObject({
      status: 'created',
      genesysMessageId: accepted()[0].messageId,
      conversationId: sandbox().genesys.conversationOf(ACME.integrationId, '4917200000001'),
      whatsapp_message_id: wamid,
    });
    expect(second.output()).toContain('"statusEventRepeated":true');
    expect(await second.stop()).toBe(0);
    expect(sandbox().correlationsOf(wamid)).toHaveLength(1);
  }, 120_000);
});
