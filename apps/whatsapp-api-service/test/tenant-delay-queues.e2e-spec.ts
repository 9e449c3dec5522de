import { RetryScheduler } from '@lib/messaging/outcome/retry-scheduler.service';
import { outboundEnvelope, waitUntil } from '@lib/testing';
import * as amqplib from 'amqplib';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { useEgressSandbox } from '../sandbox/use-egress-sandbox';

const run = promisify(execFile);
const PACED = { tenantId: 'paced', phoneNumberId: '400000000000031', accessToken: 'EAAG-paced', messagesPerSecond: 2 };
const OTHER = { tenantId: 'other-co', phoneNumberId: '400000000000032', accessToken: 'EAAG-other' };

/** Names of the vhost's queues, as the broker lists them. */
async function queuesOf(vhost: string): Promise<string[]> {
  const { stdout } = await run('rabbitmqctl', ['-q', 'list_queues', '-p', vhost, 'name', '--no-table-headers']);
  return stdout.split('\n').filter(Boolean);
}

describe("tenants' own delay queues (real RabbitMQ)", () => {
  const sandbox = useEgressSandbox('wa-delay-queues', { env: { TENANT_MAX_IN_FLIGHT: '2', RATE_LIMIT_MAX_WAIT_MS: '200' } }, [
    PACED,
    OTHER,
  ]);

  it('declares no queue for a tenant id the tenant service does not know, however busy its messages keep the service', async () => {
    sandbox().tenants.latencyMs = 200;
    const ghosts = Array.from({ length: 40 }, () => outboundEnvelope({ tenantId: 'ghost', phoneNumberId: '400000000000039' }));
    for (const envelope of ghosts) await sandbox().publish(envelope);
    try {
      await waitUntil(
        'every ghost message dead-lettered',
        () => ghosts.every((e) => sandbox().deadLetterOf(e.metadata.internalId)),
        60_000,
      );
    } finally {
      sandbox().tenants.latencyMs = 0;
    }
    expect(ghosts.map((e) => sandbox().deadLetterOf(e.metadata.internalId)!.headers['x-error-category'])).toEqual(
      ghosts.map(() => 'TENANT_NOT_FOUND'),
    );
    expect((await queuesOf(sandbox.vhost().name)).filter((name) => name.includes('.delay.'))).toEqual([]);
  }, 90_000);

  it("survives a refused declaration of a tenant's delay queue: the consumer keeps its messages, the tenant's wait in the tier queues", async () => {
    // Someone declared the queue with other arguments: the broker refuses our declaration of it.
    const connection = await amqplib.connect(sandbox.vhost().url);
    const channel = await connection.createChannel();
    const { replica } = sandbox().app.get(RetryScheduler);
    await channel.assertQueue(`outbound-processed.delay.paced.${replica}`, { durable: true, arguments: { 'x-max-length': 1 } });
    await connection.close();

    const paced = Array.from({ length: 6 }, (_, i) => outboundEnvelope({ ...PACED, to: `+4915${String(i).padStart(9, '0')}` }));
    const other = Array.from({ length: 20 }, (_, i) => outboundEnvelope({ ...OTHER, to: `+4916${String(i).padStart(9, '0')}` }));
    for (const envelope of [...paced, ...other]) await sandbox().publish(envelope);

    const statuses = await Promise.all([...paced, ...other].map((e) => sandbox().waitForStatus(e.metadata.internalId, 30_000)));
    expect(statuses.map((status) => status.status)).toEqual(statuses.map(() => 'sent'));
    const sends = sandbox()
      .meta.accepted()
      .filter((request) => [PACED.phoneNumberId, OTHER.phoneNumberId].includes(request.phoneNumberId));
    expect(sends).toHaveLength(paced.length + other.length);
  }, 60_000);
});
