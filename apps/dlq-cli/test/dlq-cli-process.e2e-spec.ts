import { TopologyDeclarer } from '@lib/messaging';
import { createTestVhost, TestVhost, waitUntil } from '@lib/testing';
import * as amqplib from 'amqplib';
import { WHATSAPP_OUTBOUND_QUEUE } from '@lib/contracts';
import { dlq, spawnDlq } from './run-dlq';

const ENTRIES = 3000;
const KEPT_CONNECTION = 'dlq-cli-spec';

/** The real entry point as a process: exit codes, and what a crash or Ctrl-C in the middle of a replay leaves. */
describe('dlq command (separate process, real broker)', () => {
  let vhost: TestVhost;
  let connection: amqplib.ChannelModel;
  let channel: amqplib.ConfirmChannel;

  beforeAll(async () => {
    vhost = await createTestVhost('dlq-cli');
    await new TopologyDeclarer(vhost.url, 5000).declare({ ...WHATSAPP_OUTBOUND_QUEUE, retryDelayTiersMs: [1000] });
    connection = await amqplib.connect(vhost.url, { clientProperties: { connection_name: KEPT_CONNECTION } });
    channel = await connection.createConfirmChannel();
  });

  afterAll(async () => {
    await connection?.close();
    await vhost?.dispose();
  });

  beforeEach(async () => {
    await channel.purgeQueue(WHATSAPP_OUTBOUND_QUEUE.deadLetterQueue);
    await channel.purgeQueue(WHATSAPP_OUTBOUND_QUEUE.queue);
  });

  /** `count` entries as the service dead-letters them, internal ids d0, d1, … in queue order. */
  async function deadLetter(count: number): Promise<string[]> {
    const ids = Array.from({ length: count }, (_, index) => `d${index}`);
    for (const internalId of ids) {
      const body = { metadata: { tenantId: 'acme', phoneNumberId: '1', internalId }, wabaPayload: { to: '+49' } };
      channel.publish(
        WHATSAPP_OUTBOUND_QUEUE.deadLetterExchange,
        WHATSAPP_OUTBOUND_QUEUE.deadLetterRoutingKey,
        Buffer.from(JSON.stringify(body)),
        {
          persistent: true,
          headers: {
            'x-error-category': 'TRANSIENT',
            'x-attempts': 5,
            'x-tenant-id': 'acme',
            'x-internal-id': internalId,
            'x-original-routing-key': 'outbound.processed.acme',
          },
        },
      );
    }
    await channel.waitForConfirms();
    return ids;
  }

  async function idsIn(queue: string): Promise<string[]> {
    const ids: string[] = [];
    for (let message = await channel.get(queue, { noAck: true }); message; message = await channel.get(queue, { noAck: true })) {
      ids.push(JSON.parse(message.content.toString()).metadata.internalId);
    }
    return ids;
  }

  const depth = async (queue: string) => (await channel.checkQueue(queue)).messageCount;

  it('exits 2 on a bad flag, 3 when the broker or the queue cannot be reached, never printing the password', async () => {
    const badFlag = await spawnDlq(['list', '--older-than', 'soon'], { RABBITMQ_URL: vhost.url }).result;
    expect(badFlag.code).toBe(2);
    expect(badFlag.err).toContain("option '--older-than <duration>' argument 'soon' is invalid");

    const unreachable = await spawnDlq(['list'], { RABBITMQ_HOST: '127.0.0.1', RABBITMQ_PORT: '1', RABBITMQ_PASSWORD: 'top-secret' })
      .result;
    expect(unreachable.code).toBe(3);
    expect(unreachable.err).toContain('cannot connect to RabbitMQ at amqp://guest:***@127.0.0.1:1');
    expect(unreachable.err + unreachable.out).not.toContain('top-secret');

    const noQueue = await spawnDlq(['list', '--queue', 'no-such-queue'], { RABBITMQ_URL: vhost.url }).result;
    expect(noQueue.code).toBe(3);
    expect(noQueue.err).toContain("queue 'no-such-queue' does not exist");
  });

  it('shows what a hostile dead letter carries as visible escapes: tables, details and JSON, in process and as a process', async () => {
    const internalId = 'evil\u001b[2J';
    const headers = {
      'x-error-category': 'INVALID_ENVELOPE',
      'x-error-message': 'bad\r\u001b[32mall good\u0007',
      'x-tenant-id': 'acme\u009b2J',
      'x-internal-id': internalId,
      'x-original-routing-key': 'outbound.processed.acme',
      'x-note\u001b]0;owned\u0007': 'v\u009b31m\u007f',
    };
    const body = 'not json\r\u001b[2J\u009b31m\u0008';
    channel.publish(WHATSAPP_OUTBOUND_QUEUE.deadLetterExchange, WHATSAPP_OUTBOUND_QUEUE.deadLetterRoutingKey, Buffer.from(body), {
      persistent: true,
      headers,
    });
    await channel.waitForConfirms();
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point of the check
    const terminalControl = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

    const list = await dlq(['--url', vhost.url, 'list']);
    expect(list.out).not.toMatch(terminalControl);
    expect(list.out).toMatch(/evil\\u001b\[2J +acme\\u009b2J +INVALID_ENVELOPE .* bad\\u000d\\u001b\[32mall good\\u0007/);

    const show = await dlq(['--url', vhost.url, 'show', internalId]);
    expect(show.code).toBe(0);
    expect(show.out).not.toMatch(terminalControl);
    expect(show.out).toContain('x-note\\u001b]0;owned\\u0007: "v\\u009b31m\\u007f"');
    expect(show.out).toContain('not json\\u000d\\u001b[2J\\u009b31m\\u0008');

    // JSON output stays valid and, parsed, gives back exactly what the message carried.
    const json = await dlq(['--url', vhost.url, 'list', '--json']);
    expect(json.out).not.toMatch(terminalControl);
    expect(JSON.parse(json.out).entries[0]).toMatchObject({ messageId: internalId, tenantId: 'acme\u009b2J', headers });
    const spawned = await spawnDlq(['show', internalId, '--json'], { RABBITMQ_URL: vhost.url }).result;
    expect(spawned.code).toBe(0);
    expect(spawned.out + spawned.err).not.toMatch(terminalControl);
    expect(JSON.parse(spawned.out)).toEqual([
      expect.objectContaining({ messageId: internalId, headers, body: { bytes: Buffer.byteLength(body), text: body } }),
    ]);
  });

  it('loses nothing when killed in the middle of a replay', async () => {
    const ids = await deadLetter(ENTRIES);
    const { child, result } = spawnDlq(['replay', '--yes'], { RABBITMQ_URL: vhost.url });
    await waitUntil('the first replayed message', async () => (await depth(WHATSAPP_OUTBOUND_QUEUE.queue)) > 0, 30_000);
    child.kill('SIGKILL');
    expect((await result).code).toBeNull();
    await waitUntil(
      'the killed connection to hand its messages back',
      async () => (await depth(WHATSAPP_OUTBOUND_QUEUE.deadLetterQueue)) + (await depth(WHATSAPP_OUTBOUND_QUEUE.queue)) >= ENTRIES,
    );

    const replayed = await idsIn(WHATSAPP_OUTBOUND_QUEUE.queue);
    const left = await idsIn(WHATSAPP_OUTBOUND_QUEUE.deadLetterQueue);
    expect(replayed.length).toBeLessThan(ENTRIES);
    expect(replayed).toEqual(ids.slice(0, replayed.length));
    // What was left is the tail of the queue, in order. Only republishes in flight when the process
    // died (at most --max-in-flight, 100) may be in both queues.
    const firstLeft = ids.length - left.length;
    expect(left).toEqual(ids.slice(firstLeft));
    expect(firstLeft).toBeLessThanOrEqual(replayed.length);
    expect(replayed.length - firstLeft).toBeLessThanOrEqual(100);
  });

  it('stops cleanly on Ctrl-C: exit 130, every message either replayed or still in the queue, in order', async () => {
    const ids = await deadLetter(ENTRIES);
    const { child, result } = spawnDlq(['replay', '--yes'], { RABBITMQ_URL: vhost.url });
    await waitUntil('the first replayed message', async () => (await depth(WHATSAPP_OUTBOUND_QUEUE.queue)) > 0, 30_000);
    child.kill('SIGINT');
    const { code, out } = await result;
    expect(code).toBe(130);
    expect(out).toMatch(/interrupted: \d+ replayed/);

    const replayed = await idsIn(WHATSAPP_OUTBOUND_QUEUE.queue);
    const left = await idsIn(WHATSAPP_OUTBOUND_QUEUE.deadLetterQueue);
    expect(replayed.length).toBeLessThan(ENTRIES);
    expect([...replayed, ...left]).toEqual(ids);
  });
});
