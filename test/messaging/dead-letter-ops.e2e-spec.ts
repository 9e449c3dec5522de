import { TopologyDeclarer, WorkQueueTopology } from '@lib/messaging';
import { DeadLetterShape, inspectDeadLetters, replayDeadLetters } from '@lib/messaging/dead-letter-ops';
import { createTestVhost, TestVhost } from '@lib/testing';
import * as amqplib from 'amqplib';

/** Names of another service on the same lib: the tools take every name as a parameter. */
const TOPOLOGY: WorkQueueTopology = {
  exchange: 'ops-exchange',
  queue: 'ops-work',
  bindingKey: 'ops.work.*',
  deadLetterExchange: 'ops-dlx',
  deadLetterQueue: 'ops-failed',
  deadLetterRoutingKey: 'ops.failed',
  messageTtlMs: 60_000,
  retryDelayTiersMs: [1000],
};
/** Its dead letters name their message as the lib's dead-letter publisher does. */
const SHAPE: DeadLetterShape = {
  messageIdHeader: 'x-internal-id',
  messageIdField: 'internalId',
  traceIdHeader: 'x-error-trace-id',
  workRoutingKeyPrefix: 'ops.work.',
};
const KEPT_CONNECTION = 'dlq-ops-spec';
const TARGET = { queue: TOPOLOGY.deadLetterQueue, exchange: TOPOLOGY.exchange, shape: SHAPE };

interface Crafted {
  tenantId: string;
  internalId: string;
  routingKey?: string;
  category?: string;
  failedAt?: string;
}

/** A dead-letter entry as the DeadLetterPublisher writes it after three failed calls. */
function deadLetterHeaders({
  tenantId,
  internalId,
  routingKey,
  category = 'WINDOW_EXPIRED',
  failedAt = new Date().toISOString(),
}: Crafted) {
  return {
    'x-attempts': 3,
    'x-deferrals': 1,
    'x-first-seen-at': Date.now() - 60_000,
    'x-original-routing-key': routingKey ?? `ops.work.${tenantId}`,
    'x-last-error-category': 'TRANSIENT',
    'x-error-category': category,
    'x-error-code': '131047',
    'x-error-message': '(#131047) Re-engagement message',
    'x-error-trace-id': 'AbCdEf',
    'x-tenant-id': tenantId,
    'x-internal-id': internalId,
    'x-failed-at': failedAt,
    'x-upstream-header': 'kept',
  };
}

const bodyOf = ({ tenantId, internalId }: Crafted) =>
  Buffer.from(JSON.stringify({ metadata: { tenantId, internalId, phoneNumberId: '1' }, payload: { text: 'hi ✓' } }));

describe('dead-letter ops on a real broker', () => {
  let vhost: TestVhost;
  let connection: amqplib.ChannelModel;
  let channel: amqplib.ConfirmChannel;

  beforeAll(async () => {
    vhost = await createTestVhost('dlq-ops');
    await new TopologyDeclarer(vhost.url, 5000).declare(TOPOLOGY);
    connection = await amqplib.connect(vhost.url, { clientProperties: { connection_name: KEPT_CONNECTION } });
    channel = await connection.createConfirmChannel();
  });

  afterAll(async () => {
    await connection?.close();
    await vhost?.dispose();
  });

  beforeEach(async () => {
    await channel.purgeQueue(TOPOLOGY.deadLetterQueue);
    await channel.purgeQueue(TOPOLOGY.queue);
  });

  async function deadLetter(...entries: Crafted[]): Promise<void> {
    for (const entry of entries) {
      channel.publish(TOPOLOGY.deadLetterExchange, TOPOLOGY.deadLetterRoutingKey, bodyOf(entry), {
        persistent: true,
        contentType: 'application/json',
        messageId: `mid-${entry.internalId}`,
        correlationId: `corr-${entry.internalId}`,
        headers: deadLetterHeaders(entry),
      });
    }
    await channel.waitForConfirms();
  }

  /** Takes every message of `queue`, in order. */
  async function takeAll(queue: string): Promise<amqplib.GetMessage[]> {
    const taken: amqplib.GetMessage[] = [];
    for (let message = await channel.get(queue, { noAck: true }); message; message = await channel.get(queue, { noAck: true }))
      taken.push(message);
    return taken;
  }

  const internalIds = (messages: amqplib.GetMessage[]) =>
    messages.map((message) => message.properties.headers?.['x-internal-id'] ?? JSON.parse(message.content.toString()).metadata.internalId);
  const depth = async (queue: string) => (await channel.checkQueue(queue)).messageCount;

  const SAMPLE: Crafted[] = [
    { tenantId: 'acme', internalId: 'a1' },
    { tenantId: 'globex', internalId: 'g1', category: 'AUTH' },
    { tenantId: 'acme', internalId: 'a2', category: 'AUTH' },
    { tenantId: 'acme', internalId: 'a3' },
    { tenantId: 'globex', internalId: 'g2' },
  ];

  describe('inspectDeadLetters', () => {
    it('counts by tenant and category and pages entries, leaving the queue as it was', async () => {
      await deadLetter(...SAMPLE);
      const inspection = await inspectDeadLetters(connection, { queue: TARGET.queue, shape: SHAPE, limit: 2 });
      expect(inspection).toMatchObject({
        scanned: 5,
        matched: 5,
        byTenant: { acme: 3, globex: 2 },
        byCategory: { AUTH: 2, WINDOW_EXPIRED: 3 },
      });
      expect(inspection.counts).toEqual([
        { tenantId: 'acme', category: 'WINDOW_EXPIRED', count: 2 },
        { tenantId: 'acme', category: 'AUTH', count: 1 },
        { tenantId: 'globex', category: 'AUTH', count: 1 },
        { tenantId: 'globex', category: 'WINDOW_EXPIRED', count: 1 },
      ]);
      expect(inspection.entries.map((entry) => [entry.position, entry.messageId, entry.headers['x-error-code']])).toEqual([
        [1, 'a1', '131047'],
        [2, 'g1', '131047'],
      ]);
      expect(internalIds(await takeAll(TARGET.queue))).toEqual(['a1', 'g1', 'a2', 'a3', 'g2']);
    });

    it('counts only the entries matching the filter', async () => {
      await deadLetter(...SAMPLE);
      const inspection = await inspectDeadLetters(connection, {
        queue: TARGET.queue,
        shape: SHAPE,
        filter: { tenantId: 'acme', category: 'window_expired' },
      });
      expect(inspection).toMatchObject({ scanned: 5, matched: 2, byTenant: { acme: 2 } });
      expect(inspection.entries.map((entry) => entry.messageId)).toEqual(['a1', 'a3']);
    });

    it('describes malformed entries instead of failing on them', async () => {
      channel.publish(TOPOLOGY.deadLetterExchange, TOPOLOGY.deadLetterRoutingKey, Buffer.from([0xff, 0x00, 0x7b]), {});
      channel.publish(TOPOLOGY.deadLetterExchange, TOPOLOGY.deadLetterRoutingKey, Buffer.from('{"metadata":'), {
        headers: { 'x-error-category': 42, 'x-internal-id': Buffer.from('bin') },
      });
      await channel.waitForConfirms();
      await deadLetter(SAMPLE[0]);
      const { entries, counts } = await inspectDeadLetters(connection, { queue: TARGET.queue, shape: SHAPE });
      expect(entries.map((entry) => [entry.category, entry.messageId, entry.problems.length > 0])).toEqual([
        ['UNKNOWN', undefined, true],
        ['42', 'bin', true],
        ['WINDOW_EXPIRED', 'a1', false],
      ]);
      expect(counts).toContainEqual({ tenantId: '(unknown)', category: 'UNKNOWN', count: 1 });
      expect(await depth(TARGET.queue)).toBe(3);
    });
  });

  describe('replayDeadLetters', () => {
    it('replays only the matching entries, leaving the others in their order', async () => {
      await deadLetter(...SAMPLE);
      const report = await replayDeadLetters(connection, { ...TARGET, filter: { tenantId: 'acme' } });
      expect(report).toMatchObject({ scanned: 5, interrupted: false, declined: false });
      expect(report.failure).toBeUndefined();
      expect(report.replayed.map((entry) => entry.messageId)).toEqual(['a1', 'a2', 'a3']);
      expect(internalIds(await takeAll(TARGET.queue))).toEqual(['g1', 'g2']);
      const replayed = await takeAll(TOPOLOGY.queue);
      expect(replayed.map((message) => message.fields.routingKey)).toEqual(['ops.work.acme', 'ops.work.acme', 'ops.work.acme']);
      expect(internalIds(replayed)).toEqual(['a1', 'a2', 'a3']);
    });

    it('republishes the body byte for byte with its properties and a fresh delivery state', async () => {
      await deadLetter(SAMPLE[0]);
      const before = new Date();
      await replayDeadLetters(connection, TARGET);
      const [message] = await takeAll(TOPOLOGY.queue);
      expect(message.content.equals(bodyOf(SAMPLE[0]))).toBe(true);
      expect(message.properties).toMatchObject({
        messageId: 'mid-a1',
        correlationId: 'corr-a1',
        contentType: 'application/json',
        deliveryMode: 2,
      });
      const { 'x-replayed-at': replayedAt, ...headers } = message.properties.headers!;
      expect(headers).toEqual({ 'x-upstream-header': 'kept', 'x-replay-count': 1, 'x-replayed-from-category': 'WINDOW_EXPIRED' });
      expect(Date.parse(replayedAt)).toBeGreaterThanOrEqual(before.getTime() - 1000);
    });

    it('filters by category, internal id and age, and stops at the limit', async () => {
      const old = new Date(Date.now() - 2 * 3_600_000).toISOString();
      await deadLetter(...SAMPLE.map((entry, index) => ({ ...entry, failedAt: index % 2 === 0 ? old : undefined })));
      const byAge = await replayDeadLetters(connection, { ...TARGET, filter: { olderThanMs: 3_600_000 }, limit: 2 });
      expect(byAge.replayed.map((entry) => entry.messageId)).toEqual(['a1', 'a2']);
      expect(byAge.scanned).toBe(3);
      const byCategory = await replayDeadLetters(connection, { ...TARGET, filter: { category: 'AUTH' } });
      expect(byCategory.replayed.map((entry) => entry.messageId)).toEqual(['g1']);
      const byId = await replayDeadLetters(connection, { ...TARGET, filter: { messageId: 'g2' } });
      expect(byId.replayed.map((entry) => entry.messageId)).toEqual(['g2']);
      expect(internalIds(await takeAll(TARGET.queue))).toEqual(['a3']);
      expect(internalIds(await takeAll(TOPOLOGY.queue))).toEqual(['a1', 'a2', 'g1', 'g2']);
    });

    it('changes nothing in a dry run', async () => {
      await deadLetter(...SAMPLE);
      const report = await replayDeadLetters(connection, { ...TARGET, filter: { tenantId: 'globex' }, dryRun: true });
      expect(report.selected.map((entry) => entry.messageId)).toEqual(['g1', 'g2']);
      expect(report.replayed).toEqual([]);
      expect(await depth(TOPOLOGY.queue)).toBe(0);
      expect(internalIds(await takeAll(TARGET.queue))).toEqual(['a1', 'g1', 'a2', 'a3', 'g2']);
    });

    it('changes nothing when the operator declines', async () => {
      await deadLetter(...SAMPLE);
      const asked: string[][] = [];
      const report = await replayDeadLetters(connection, {
        ...TARGET,
        filter: { tenantId: 'acme' },
        confirm: async (selected) => (asked.push(selected.map((entry) => entry.messageId!)), false),
      });
      expect(asked).toEqual([['a1', 'a2', 'a3']]);
      expect(report).toMatchObject({ declined: true, replayed: [] });
      expect(await depth(TOPOLOGY.queue)).toBe(0);
      expect(await depth(TARGET.queue)).toBe(5);
    });

    it('leaves an entry in the queue when its republish fails (the exchange does not exist)', async () => {
      await deadLetter(...SAMPLE);
      const report = await replayDeadLetters(connection, { ...TARGET, exchange: 'no-such-exchange', filter: { tenantId: 'acme' } });
      expect(report.replayed).toEqual([]);
      expect(report.failure).toMatchObject({ entry: { messageId: 'a1' } });
      expect(report.failure!.error).toContain('NOT_FOUND');
      expect(internalIds(await takeAll(TARGET.queue))).toEqual(['a1', 'g1', 'a2', 'a3', 'g2']);
    });

    it('leaves an entry in the queue when no queue would take its copy', async () => {
      await deadLetter({ tenantId: 'acme', internalId: 'a1' });
      await replayDeadLetters(connection, { ...TARGET, exchange: TOPOLOGY.deadLetterExchange }).then((report) => {
        expect(report.replayed).toEqual([]);
        expect(report.failure!.error).toContain("no queue is bound to 'ops-dlx' for routing key 'ops.work.acme'");
      });
      expect(internalIds(await takeAll(TARGET.queue))).toEqual(['a1']);
    });

    it('tells which of several republishes in flight came back unroutable', async () => {
      await deadLetter(
        { tenantId: 'acme', internalId: 'a1' },
        { tenantId: 'acme', internalId: 'lost', routingKey: 'nowhere.acme' },
        { tenantId: 'acme', internalId: 'a2' },
      );
      const report = await replayDeadLetters(connection, TARGET);
      expect(report.replayed.map((entry) => entry.messageId)).toEqual(['a1', 'a2']);
      expect(report.failure).toMatchObject({
        entry: { messageId: 'lost' },
        error: "no queue is bound to 'ops-exchange' for routing key 'nowhere.acme'",
      });
      expect(internalIds(await takeAll(TARGET.queue))).toEqual(['lost']);
      expect(internalIds(await takeAll(TOPOLOGY.queue))).toEqual(['a1', 'a2']);
    });

    it('leaves an entry in the queue when the broker refuses its copy (nack)', async () => {
      await channel.assertQueue('ops-full', { durable: true, arguments: { 'x-max-length': 0, 'x-overflow': 'reject-publish' } });
      await channel.bindQueue('ops-full', TOPOLOGY.exchange, 'ops.work.full');
      await deadLetter(
        { tenantId: 'acme', internalId: 'a1' },
        { tenantId: 'full', internalId: 'f1' },
        { tenantId: 'acme', internalId: 'a2' },
      );
      const strict = await replayDeadLetters(connection, { ...TARGET, maxInFlight: 1 });
      expect(strict.replayed.map((entry) => entry.messageId)).toEqual(['a1']);
      expect(strict.failure).toMatchObject({ entry: { messageId: 'f1' }, error: expect.stringContaining('refused') });
      expect(internalIds(await takeAll(TARGET.queue))).toEqual(['f1', 'a2']);

      // With several republishes in flight, those already sent when one fails still complete.
      await deadLetter(
        { tenantId: 'acme', internalId: 'a1' },
        { tenantId: 'full', internalId: 'f1' },
        { tenantId: 'acme', internalId: 'a2' },
      );
      const windowed = await replayDeadLetters(connection, TARGET);
      expect(windowed.replayed.map((entry) => entry.messageId)).toEqual(['a1', 'a2']);
      expect(windowed.failure).toMatchObject({ entry: { messageId: 'f1' } });
      expect(internalIds(await takeAll(TARGET.queue))).toEqual(['f1']);
      await channel.deleteQueue('ops-full');
    });

    it('leaves every entry in the queue when the connection is lost mid-replay', async () => {
      await deadLetter(...SAMPLE);
      const doomed = await amqplib.connect(vhost.url);
      doomed.on('error', () => undefined);
      const outcome = await replayDeadLetters(doomed, {
        ...TARGET,
        confirm: async () => {
          await vhost.closeConnections([KEPT_CONNECTION]);
          return true;
        },
      }).catch((error: Error) => error);
      expect(outcome).toBeInstanceOf(Error);
      expect(internalIds(await takeAll(TARGET.queue))).toEqual(['a1', 'g1', 'a2', 'a3', 'g2']);
      expect(await depth(TOPOLOGY.queue)).toBe(0);
    });

    it('stops after the current entry when aborted; the rest stay in the queue, in order', async () => {
      await deadLetter(...SAMPLE);
      const controller = new AbortController();
      const watcher = await connection.createChannel();
      await watcher.consume(TOPOLOGY.queue, () => controller.abort(), { noAck: false });
      const report = await replayDeadLetters(connection, { ...TARGET, signal: controller.signal, maxInFlight: 1 });
      await watcher.close();
      expect(report.interrupted).toBe(true);
      const replayed = report.replayed.map((entry) => entry.messageId!);
      expect(replayed.length).toBeGreaterThanOrEqual(1);
      expect(replayed.length).toBeLessThan(SAMPLE.length);
      expect([...replayed, ...internalIds(await takeAll(TARGET.queue))]).toEqual(['a1', 'g1', 'a2', 'a3', 'g2']);
      expect(internalIds(await takeAll(TOPOLOGY.queue))).toEqual(replayed);
    });

    it('keeps an entry without a routing key in the queue and reports it', async () => {
      channel.publish(TOPOLOGY.deadLetterExchange, TOPOLOGY.deadLetterRoutingKey, Buffer.from('garbage'), {
        headers: { 'x-error-category': 'INVALID_ENVELOPE' },
      });
      await channel.waitForConfirms();
      await deadLetter(SAMPLE[0]);
      const report = await replayDeadLetters(connection, TARGET);
      expect(report.notReplayable.map((entry) => entry.position)).toEqual([1]);
      expect(report.replayed.map((entry) => entry.messageId)).toEqual(['a1']);
      const [left] = await takeAll(TARGET.queue);
      expect(left.content.toString()).toBe('garbage');
    });

    it('reads only the messages there at the start, once, even while more arrive', async () => {
      await deadLetter(...SAMPLE);
      const report = await replayDeadLetters(connection, {
        ...TARGET,
        filter: { tenantId: 'globex' },
        confirm: async () => {
          await deadLetter({ tenantId: 'globex', internalId: 'g3' });
          return true;
        },
      });
      expect(report.scanned).toBe(5);
      expect(report.replayed.map((entry) => entry.messageId)).toEqual(['g1', 'g2']);
      expect(internalIds(await takeAll(TARGET.queue))).toEqual(['a1', 'a2', 'a3', 'g3']);
    });
  });
});
