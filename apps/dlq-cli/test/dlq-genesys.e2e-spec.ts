import { GENESYS_INBOUND_QUEUE, GenesysDeadLetterHeader, genesysInboundRoutingKey } from '@lib/contracts';
import { TopologyDeclarer } from '@lib/messaging';
import { createTestVhost, TestVhost, waitUntil } from '@lib/testing';
import * as amqplib from 'amqplib';
import { dlq, spawnDlq } from './run-dlq';

interface InboundFailure {
  tenantId: string;
  wamid: string;
  category: string;
  code: string;
  status: number;
  reason: string;
  attempts: number;
  contextId?: string;
}

const BAD_REQUEST: Omit<InboundFailure, 'tenantId' | 'wamid'> = {
  category: 'INVALID_REQUEST',
  code: 'bad.request',
  status: 400,
  reason: 'Genesys refused the message (400 bad.request)',
  attempts: 1,
};
const UNAVAILABLE: Omit<InboundFailure, 'tenantId' | 'wamid'> = {
  category: 'RETRIES_EXHAUSTED',
  code: 'service.unavailable',
  status: 503,
  reason: 'Genesys unavailable after 5 attempts (503)',
  attempts: 5,
  contextId: 'ctx-7f3a',
};

/** A customer's WhatsApp message as the platform hands it to the genesys-api-service. */
const inboundBody = ({ tenantId, wamid }: Pick<InboundFailure, 'tenantId' | 'wamid'>) =>
  Buffer.from(
    JSON.stringify({
      metadata: { tenantId, whatsapp_message_id: wamid, timestamp: '2026-01-15T03:33:20.000Z', correlationId: `corr-${wamid}` },
      genesysPayload: {
        channel: { messageId: wamid, from: { id: '491700000001', idType: 'Phone', nickname: 'Kundin' }, time: '2026-01-15T03:33:20.000Z' },
        text: 'Hallo ✓',
      },
    }),
  );

/**
 * The tool on the genesys-api-service's dead-letter queue (real broker). The service does not exist
 * yet, so its dead letters are published here as it will write them: its reason headers, its own
 * `x-whatsapp-message-id` and `x-genesys-context-id`, and no `x-original-routing-key`.
 */
describe('dead-letter tool on genesys-api-dlq (--service genesys, real broker)', () => {
  let vhost: TestVhost;
  let connection: amqplib.ChannelModel;
  let channel: amqplib.ConfirmChannel;

  beforeAll(async () => {
    vhost = await createTestVhost('dlq-genesys');
    await new TopologyDeclarer(vhost.url, 5000).declare({ ...GENESYS_INBOUND_QUEUE, retryDelayTiersMs: [1000] });
    connection = await amqplib.connect(vhost.url);
    channel = await connection.createConfirmChannel();
  });

  afterAll(async () => {
    await connection?.close();
    await vhost?.dispose();
  });

  beforeEach(async () => {
    await channel.purgeQueue(GENESYS_INBOUND_QUEUE.deadLetterQueue);
    await channel.purgeQueue(GENESYS_INBOUND_QUEUE.queue);
  });

  async function deadLetter(...failures: InboundFailure[]): Promise<void> {
    for (const failure of failures) {
      channel.publish(GENESYS_INBOUND_QUEUE.deadLetterExchange, GENESYS_INBOUND_QUEUE.deadLetterRoutingKey, inboundBody(failure), {
        persistent: true,
        contentType: 'application/json',
        correlationId: `corr-${failure.wamid}`,
        headers: {
          'x-error-category': failure.category,
          'x-error-code': failure.code,
          'x-error-status': failure.status,
          'x-error-message': failure.reason,
          ...(failure.contextId ? { [GenesysDeadLetterHeader.GENESYS_CONTEXT_ID]: failure.contextId } : {}),
          'x-attempts': failure.attempts,
          'x-tenant-id': failure.tenantId,
          [GenesysDeadLetterHeader.WHATSAPP_MESSAGE_ID]: failure.wamid,
          'x-failed-at': new Date().toISOString(),
          traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
        },
      });
    }
    await channel.waitForConfirms();
  }

  async function takeAll(queue: string): Promise<amqplib.GetMessage[]> {
    const taken: amqplib.GetMessage[] = [];
    for (let message = await channel.get(queue, { noAck: true }); message; message = await channel.get(queue, { noAck: true }))
      taken.push(message);
    return taken;
  }

  const wamidsOf = (messages: amqplib.GetMessage[]) =>
    messages.map((message) => JSON.parse(message.content.toString()).metadata.whatsapp_message_id as string);

  const acme1 = { tenantId: 'acme', wamid: 'wamid.HBgNacme1', ...BAD_REQUEST };
  const globex = { tenantId: 'globex', wamid: 'wamid.HBgNglobex', ...UNAVAILABLE };
  const acme2 = { tenantId: 'acme', wamid: 'wamid.HBgNacme2', ...UNAVAILABLE };

  it('lists them by tenant and category, each with its message id, reason and replay routing key (spawned process)', async () => {
    await deadLetter(acme1, globex, acme2);
    const { code, out } = await spawnDlq(['--service', 'genesys', 'list', '--json'], { RABBITMQ_URL: vhost.url }).result;
    expect(code).toBe(0);
    const listing = JSON.parse(out);
    expect(listing).toMatchObject({ queue: 'genesys-api-dlq', scanned: 3, matched: 3, byTenant: { acme: 2, globex: 1 } });
    expect(listing.counts).toEqual([
      { tenantId: 'acme', category: 'INVALID_REQUEST', count: 1 },
      { tenantId: 'acme', category: 'RETRIES_EXHAUSTED', count: 1 },
      { tenantId: 'globex', category: 'RETRIES_EXHAUSTED', count: 1 },
    ]);
    expect(listing.entries[2]).toMatchObject({
      position: 3,
      messageId: acme2.wamid,
      tenantId: 'acme',
      category: 'RETRIES_EXHAUSTED',
      code: 'service.unavailable',
      reason: 'Genesys unavailable after 5 attempts (503)',
      attempts: 5,
      originalRoutingKey: 'inbound.processed.acme',
      problems: [],
      headers: { 'x-error-status': 503, 'x-genesys-context-id': 'ctx-7f3a' },
    });
    expect(wamidsOf(await takeAll(GENESYS_INBOUND_QUEUE.deadLetterQueue))).toEqual([acme1.wamid, globex.wamid, acme2.wamid]);
  });

  it('prints a table, and shows one entry by its WhatsApp message id with every header and the body', async () => {
    await deadLetter(acme1, globex);
    const list = await dlq(['--service', 'genesys', '--url', vhost.url, 'list', '--tenant', 'globex']);
    expect(list.code).toBe(0);
    expect(list.out).toContain('genesys-api-dlq: 2 messages, 1 matching');
    expect(list.out).toMatch(/wamid\.HBgNglobex\s+globex\s+RETRIES_EXHAUSTED\s+service\.unavailable\s+5\s+\d+s ago\s+Genesys unavailable/);

    const show = await dlq(['--service', 'genesys', '--url', vhost.url, 'show', globex.wamid]);
    expect(show.code).toBe(0);
    expect(show.out).toContain(`${'routing key'.padEnd(11)}  inbound.processed.globex`);
    expect(show.out).toContain('x-genesys-context-id: "ctx-7f3a"');
    expect(show.out).toContain('x-error-status: 503');
    expect(show.out).toContain(`"whatsapp_message_id": "${globex.wamid}"`);
    expect((await dlq(['--service', 'genesys', '--url', vhost.url, 'show', 'wamid.unknown'])).code).toBe(1);
  });

  it("replays one tenant's entries to genesys-exchange with inbound.processed.{tenantId}: same body, the service's headers gone", async () => {
    await deadLetter(acme1, globex, acme2);
    const { code, out } = await dlq(['--service', 'genesys', '--url', vhost.url, 'replay', '--tenant', 'acme', '--yes']);
    expect(code).toBe(0);
    expect(out).toContain("replayed 2 of 2 selected (3 messages read) from genesys-api-dlq to 'genesys-exchange'");

    const replayed = await takeAll(GENESYS_INBOUND_QUEUE.queue);
    expect(replayed.map((message) => message.fields.routingKey)).toEqual([
      genesysInboundRoutingKey('acme'),
      genesysInboundRoutingKey('acme'),
    ]);
    expect(replayed.map((message) => message.content.equals(inboundBody(acme1)) || message.content.equals(inboundBody(acme2)))).toEqual([
      true,
      true,
    ]);
    expect(wamidsOf(replayed)).toEqual([acme1.wamid, acme2.wamid]);
    for (const message of replayed) {
      expect(message.properties).toMatchObject({ contentType: 'application/json', deliveryMode: 2 });
      const { 'x-replayed-at': replayedAt, ...headers } = message.properties.headers!;
      expect(headers).toEqual({
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
        'x-replay-count': 1,
        'x-replayed-from-category': expect.stringMatching(/^(INVALID_REQUEST|RETRIES_EXHAUSTED)$/),
      });
      expect(Number.isNaN(Date.parse(replayedAt))).toBe(false);
    }
    expect(wamidsOf(await takeAll(GENESYS_INBOUND_QUEUE.deadLetterQueue))).toEqual([globex.wamid]);
  });

  it('replays a message the broker dead-lettered by itself with the routing key it was published with', async () => {
    const expired = { tenantId: 'globex', wamid: 'wamid.HBgNexpired' };
    channel.publish(GENESYS_INBOUND_QUEUE.exchange, genesysInboundRoutingKey('globex'), inboundBody(expired), {
      persistent: true,
      expiration: '1',
    });
    await channel.waitForConfirms();
    await waitUntil(
      'the broker to dead-letter the expired message',
      async () => (await channel.checkQueue(GENESYS_INBOUND_QUEUE.deadLetterQueue)).messageCount === 1,
    );

    const listed = JSON.parse((await dlq(['--service', 'genesys', '--url', vhost.url, 'list', '--json'])).out);
    expect(listed.entries).toEqual([
      expect.objectContaining({
        messageId: expired.wamid,
        tenantId: 'globex',
        category: 'BROKER_EXPIRED',
        originalRoutingKey: 'inbound.processed.globex',
      }),
    ]);
    const { code } = await dlq(['--service', 'genesys', '--url', vhost.url, 'replay', '--message-id', expired.wamid, '--yes']);
    expect(code).toBe(0);
    const [replayed] = await takeAll(GENESYS_INBOUND_QUEUE.queue);
    expect(replayed.fields.routingKey).toBe('inbound.processed.globex');
    expect(replayed.content.equals(inboundBody(expired))).toBe(true);
    expect(replayed.properties.expiration).toBeUndefined();
  });
});
