import { outboundEnvelope, waitUntil } from '@lib/testing';
import * as amqplib from 'amqplib';
import { ServiceProcess } from '../sandbox/service-process';
import { useEgressSandbox } from '../sandbox/use-egress-sandbox';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const ACME = { tenantId: 'acme', phoneNumberId: '310000000000001', accessToken: 'EAAG-acme' };

/**
 * A consumer that dies (or loses the broker) after Meta accepted a message but before its ack leaves
 * the message to be redelivered, possibly without a status event. The next consumer must not send it
 * again, but must report the send again; a plain republished copy gets neither.
 */
describe('a redelivered message that was already sent (real RabbitMQ and Redis)', () => {
  const sandbox = useEgressSandbox('wa-redelivered', { redisUrl: REDIS_URL, inProcessService: false }, [ACME]);

  /** Takes the message off the work queue without acking it and lets the broker requeue it as redelivered. */
  async function leaveRedelivered(): Promise<void> {
    const connection = await amqplib.connect(sandbox.vhost().url);
    const channel = await connection.createChannel();
    const taken = await channel.get('outbound-processed', { noAck: false });
    expect(taken).not.toBe(false);
    await connection.close();
  }

  it('acks the redelivery without a second send and repeats its status event with the same wamid', async () => {
    const envelope = outboundEnvelope({ ...ACME, to: '+4917100000001' });
    const { internalId } = envelope.metadata;
    const eventsOf = () =>
      sandbox()
        .statusEvents.map((event) => event.json())
        .filter((event) => event.internalId === internalId);

    const first = await ServiceProcess.start(sandbox().env);
    await sandbox().publish(envelope);
    const sent = await sandbox().waitForStatus(internalId);
    expect(await first.stop()).toBe(0);

    await sandbox().publish(envelope);
    await leaveRedelivered();
    await sandbox().publish(envelope);
    const second = await ServiceProcess.start({ ...sandbox().env, LOG_LEVEL: 'info' });
    await waitUntil('both copies consumed', async () => (await sandbox().probe.messageCount('outbound-processed')) === 0);
    await waitUntil('the repeated status event', () => eventsOf().length === 2);
    expect(await second.stop()).toBe(0);

    expect(
      sandbox()
        .meta.accepted()
        .filter((request) => request.body?.to === '+4917100000001'),
    ).toHaveLength(1);
    expect(eventsOf()).toEqual([sent, expect.objectContaining({ status: 'sent', wamid: sent.wamid, attempts: 1 })]);
    expect(second.output()).toContain('"statusEventRepeated":true');
    expect(second.output()).toContain('"statusEventRepeated":false');
  });
});
