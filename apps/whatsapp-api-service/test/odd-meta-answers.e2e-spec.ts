import { OddAcceptance, outboundEnvelope, waitUntil, WABA_PAYLOAD_SAMPLES } from '@lib/testing';
import * as amqplib from 'amqplib';
import request from 'supertest';
import { EgressSandbox } from '../sandbox/egress-sandbox';
import { ServiceProcess } from '../sandbox/service-process';
import { useEgressSandbox } from '../sandbox/use-egress-sandbox';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const ACME = { tenantId: 'acme', phoneNumberId: '320000000000001', accessToken: 'EAAG-odd-acme' };

let recipientSeq = 0;
const recipient = () => `+49176${String(++recipientSeq).padStart(7, '0')}`;

async function duplicateCount(sandbox: EgressSandbox): Promise<number> {
  const { text } = await request(sandbox.app.getHttpServer()).get('/metrics');
  return Number(/messages_duplicate_total\{tenant="acme"\} (\d+)/.exec(text)?.[1] ?? 0);
}

/**
 * Meta's 2xx is a send, whatever its body says: the ledger records it as sent (a replay must not send
 * again) even when the body has no message id, and what Meta said about a paced template's send
 * (`message_status`) reaches the status event.
 */
describe('sends Meta answered oddly (real RabbitMQ and Redis)', () => {
  const sandbox = useEgressSandbox('wa-odd-answers', { redisUrl: REDIS_URL }, [ACME]);
  const acceptedTo = (to: string) =>
    sandbox()
      .meta.accepted()
      .filter((call) => call.body?.to === to);

  it.each<[OddAcceptance, string]>([
    ['accepted-null-body', 'a null body'],
    ['accepted-without-messages', 'a body without messages'],
  ])('records a 200 with %s (%s) as sent with an unknown wamid, and a replay sends nothing', async (odd) => {
    const to = recipient();
    sandbox().meta.inject(odd, { match: { to } });
    const envelope = outboundEnvelope({ ...ACME, to });
    await sandbox().publish(envelope);

    const status = await sandbox().waitForStatus(envelope.metadata.internalId);
    expect(status).toMatchObject({ status: 'sent', wamid: null, messageStatus: null, attempts: 1 });
    expect(status.reason).toMatch(/no message id/);
    expect(sandbox().deadLetterOf(envelope.metadata.internalId)).toBeUndefined();

    const duplicatesBefore = await duplicateCount(sandbox());
    await sandbox().publish(envelope);
    await waitUntil('the replay to be acked as a duplicate', async () => (await duplicateCount(sandbox())) === duplicatesBefore + 1);
    expect(acceptedTo(to)).toHaveLength(1);
    expect(sandbox().meta.requests.filter((call) => call.body?.to === to)).toHaveLength(1);
  });

  it.each<[string, OddAcceptance | undefined, string]>([
    ['its usual answer', undefined, 'accepted'],
    ['message_status paused', 'accepted-paused', 'paused'],
    ['message_status held_for_quality_assessment', 'accepted-held-for-quality-assessment', 'held_for_quality_assessment'],
  ])('reports a template send Meta answered with %s as its messageStatus', async (_answer, odd, messageStatus) => {
    const to = recipient();
    if (odd) sandbox().meta.inject(odd, { match: { to } });
    const envelope = outboundEnvelope({ ...ACME, wabaPayload: WABA_PAYLOAD_SAMPLES.template(to) });
    await sandbox().publish(envelope);

    const status = await sandbox().waitForStatus(envelope.metadata.internalId);
    expect(status).toMatchObject({ status: 'sent', wamid: acceptedTo(to)[0].wamid, messageStatus, reason: null });
  });

  it('reports messageStatus null for a message Meta answers without one', async () => {
    const envelope = outboundEnvelope({ ...ACME, to: recipient() });
    await sandbox().publish(envelope);
    expect(await sandbox().waitForStatus(envelope.metadata.internalId)).toMatchObject({
      status: 'sent',
      messageStatus: null,
      reason: null,
    });
  });
});

describe('a redelivered odd send reports what Meta said the first time (real RabbitMQ and Redis)', () => {
  const sandbox = useEgressSandbox('wa-odd-redelivered', { redisUrl: REDIS_URL, inProcessService: false }, [ACME]);

  it('repeats messageStatus, the unknown wamid and its reason without a second send', async () => {
    const paused = outboundEnvelope({ ...ACME, wabaPayload: WABA_PAYLOAD_SAMPLES.template('+4917700000001') });
    const bodiless = outboundEnvelope({ ...ACME, to: '+4917700000002' });
    sandbox().meta.inject('accepted-paused', { match: { to: '+4917700000001' } });
    sandbox().meta.inject('accepted-null-body', { match: { to: '+4917700000002' } });
    const eventsOf = (internalId: string) =>
      sandbox()
        .statusEvents.map((event) => event.json())
        .filter((event) => event.internalId === internalId);

    const first = await ServiceProcess.start({ ...sandbox().env, LOG_LEVEL: 'warn' });
    await sandbox().publish(paused);
    await sandbox().publish(bodiless);
    const sent = [await sandbox().waitForStatus(paused.metadata.internalId), await sandbox().waitForStatus(bodiless.metadata.internalId)];
    expect(await first.stop()).toBe(0);
    const logLines = first
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line));
    expect(logLines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        event: 'message_sent',
        internalId: bodiless.metadata.internalId,
        wamid: null,
        reason: sent[1].reason,
      }),
    );
    expect(sent).toEqual([
      expect.objectContaining({ wamid: expect.stringMatching(/^wamid\./), messageStatus: 'paused', reason: null }),
      expect.objectContaining({ wamid: null, messageStatus: null, reason: expect.stringMatching(/no message id/) }),
    ]);

    // Both copies taken off the queue and left unacked: the broker hands them back as redelivered.
    await sandbox().publish(paused);
    await sandbox().publish(bodiless);
    const connection = await amqplib.connect(sandbox.vhost().url);
    const channel = await connection.createChannel();
    expect(await channel.get('outbound-processed', { noAck: false })).not.toBe(false);
    expect(await channel.get('outbound-processed', { noAck: false })).not.toBe(false);
    await connection.close();

    const second = await ServiceProcess.start(sandbox().env);
    await waitUntil(
      'both repeated status events',
      () => eventsOf(paused.metadata.internalId).length + eventsOf(bodiless.metadata.internalId).length === 4,
    );
    expect(await second.stop()).toBe(0);

    expect(sandbox().meta.accepted()).toHaveLength(2);
    expect(eventsOf(paused.metadata.internalId)[1]).toEqual({ ...sent[0], attempts: 1, timestamp: expect.any(String) });
    expect(eventsOf(bodiless.metadata.internalId)[1]).toEqual({ ...sent[1], attempts: 1, timestamp: expect.any(String) });
  });
});
