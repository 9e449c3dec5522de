import { MetricFactory } from '@lib/observability';
import { conversationLineKeys, ConversationLine, RedisConnection, SharedStateOptions } from '@lib/resilience';
import { inProcessSharedState, stallAfterNextWrite, waitUntil } from '@lib/testing';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { register } from 'prom-client';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const T0 = 1_800_000_000_000;
const STALE_MS = 15_000;
/** How a message published at `publishedAt` joins. */
const at = (publishedAt: number) => ({ publishedAt });

interface Replicas {
  a: ConversationLine;
  b: ConversationLine;
  stop: () => Promise<void>;
  ready?: () => Promise<void>;
}

/** Two replicas sharing the lines through Redis (its Lua scripts). */
function onRedis(options: SharedStateOptions): Required<Replicas> & { connectionA: RedisConnection } {
  const metrics = new MetricFactory({ serviceName: 'line-e2e', version: '0', logLevel: 'silent' });
  const connections = [new RedisConnection(options, metrics), new RedisConnection(options, metrics)];
  const [a, b] = connections.map((connection) => new ConversationLine(connection, options));
  return {
    a,
    b,
    connectionA: connections[0],
    stop: async () => {
      await Promise.all(connections.map((connection) => connection.onApplicationShutdown()));
      register.clear();
    },
    ready: () => waitUntil('both replicas to reach Redis', () => connections.every((connection) => connection.available)),
  };
}

/** A replica without Redis keeps its lines in process, by the same rules. */
function inProcess(): Replicas {
  const { options, connection } = inProcessSharedState({ staleClaimMs: STALE_MS });
  const line = new ConversationLine(connection, options);
  return { a: line, b: line, stop: async () => undefined };
}

const redisOptions: SharedStateOptions = {
  redisUrl: REDIS_URL,
  keyPrefix: `test-line-${randomBytes(4).toString('hex')}:`,
  expectedReplicas: 2,
  maxRateLimitWaitMs: 1000,
  staleClaimMs: STALE_MS,
};

describe.each([
  ['on Redis, two replicas', () => onRedis(redisOptions)],
  ['in process', inProcess],
])('ConversationLine (%s)', (_mode, start) => {
  let replicas: Replicas;
  let seq = 0;
  const conversation = () => `acme:49151${++seq}`;

  beforeAll(async () => {
    replicas = start();
    await replicas.ready?.();
  });

  afterAll(() => replicas.stop());

  it('gives the turn to the first message and answers the others where it is; a copy of the head gets the turn again', async () => {
    const { a, b } = replicas;
    const c = conversation();
    expect(await a.enter(c, 'm-1', T0)).toEqual({ turn: true });
    expect(await b.enter(c, 'm-2', T0 + 10)).toEqual({ turn: false, ahead: { messageId: 'm-1', state: 'sending', dueAt: T0 }, place: 1 });
    expect(await b.enter(c, 'm-1', T0 + 20)).toEqual({ turn: true });
    expect(await a.enter(`${c}0`, 'm-3', T0 + 20)).toEqual({ turn: true });
  });

  it('keeps the join order while the head is parked, and lets each go once the one before it left', async () => {
    const { a, b } = replicas;
    const c = conversation();
    await a.enter(c, 'm-1', T0);
    await b.enter(c, 'm-2', T0 + 1);
    await a.enter(c, 'm-3', T0 + 2);
    await a.park(c, 'm-1', T0 + 2_000, T0 + 3);
    expect(await b.enter(c, 'm-3', T0 + 4)).toEqual({
      turn: false,
      ahead: { messageId: 'm-1', state: 'parked', dueAt: T0 + 2_000 },
      place: 2,
    });
    expect(await b.enter(c, 'm-1', T0 + 2_000)).toEqual({ turn: true });
    await b.leave(c, 'm-1');
    expect(await a.enter(c, 'm-3', T0 + 2_001)).toMatchObject({ turn: false, ahead: { messageId: 'm-2' }, place: 1 });
    expect(await a.enter(c, 'm-2', T0 + 2_002)).toEqual({ turn: true });
    await a.leave(c, 'm-2');
    expect(await b.enter(c, 'm-3', T0 + 2_003)).toEqual({ turn: true });
  });

  it('never lets a message that arrives after a retry was sent overtake the ones parked behind it', async () => {
    const { a, b } = replicas;
    const c = conversation();
    await a.enter(c, 'm-1', T0);
    await a.park(c, 'm-1', T0 + 1_000, T0 + 1);
    await b.enter(c, 'm-2', T0 + 5);
    await b.park(c, 'm-2', T0 + 2_000, T0 + 6);
    await a.enter(c, 'm-1', T0 + 1_000);
    await a.leave(c, 'm-1');
    expect(await a.enter(c, 'm-3', T0 + 1_200)).toEqual({
      turn: false,
      ahead: { messageId: 'm-2', state: 'parked', dueAt: T0 + 2_000 },
      place: 1,
    });
    expect(await b.enter(c, 'm-2', T0 + 2_000)).toEqual({ turn: true });
  });

  it('drops a head whose place lapsed: a send past the staleness margin, a parked message that never came back', async () => {
    const { a, b } = replicas;
    const c = conversation();
    await a.enter(c, 'm-1', T0);
    await b.enter(c, 'm-2', T0 + 1);
    await b.park(c, 'm-2', T0 + STALE_MS + 1_000, T0 + 2);
    expect(await b.enter(c, 'm-3', T0 + STALE_MS)).toMatchObject({ turn: false, ahead: { messageId: 'm-1' }, place: 2 });
    expect(await b.enter(c, 'm-3', T0 + STALE_MS + 1)).toMatchObject({ turn: false, ahead: { messageId: 'm-2' }, place: 1 });
    expect(await a.enter(c, 'm-3', T0 + 2 * STALE_MS + 1_001)).toEqual({ turn: true });
  });

  it('joins a parked message that lost its place at the tail; a leave by a message not in line changes nothing', async () => {
    const { a, b } = replicas;
    const c = conversation();
    await a.enter(c, 'm-1', T0);
    await b.leave(c, 'm-9');
    await b.park(c, 'm-2', T0 + 1_000, T0 + 1);
    expect(await b.enter(c, 'm-2', T0 + 1_000)).toMatchObject({ turn: false, ahead: { messageId: 'm-1' }, place: 1 });
    await a.leave(c, 'm-1');
    expect(await b.enter(c, 'm-2', T0 + 1_001)).toEqual({ turn: true });
  });

  it('puts a message ahead of the waiting ones published after it, not of one being sent or parked without its publication', async () => {
    const { a, b } = replicas;
    const c = conversation();
    expect(await a.enter(c, 'm-5', T0, at(T0 - 500))).toEqual({ turn: true });
    await b.enter(c, 'm-8', T0 + 1, at(T0 - 200));
    await b.park(c, 'm-7', T0 + 5_000, T0 + 2);
    await a.enter(c, 'm-9', T0 + 3, at(T0 - 100));
    // Published before the head and the parked one: behind the head, ahead of the waiting m-8 (and so of m-7).
    expect(await b.enter(c, 'm-4', T0 + 4, at(T0 - 600))).toEqual({
      turn: false,
      ahead: { messageId: 'm-5', state: 'sending', dueAt: T0, publishedAt: T0 - 500 },
      place: 1,
    });
    expect(await a.enter(c, 'm-6', T0 + 5, at(T0 - 400))).toMatchObject({ turn: false, place: 2 });
    expect(await a.enter(c, 'm-8', T0 + 6, at(T0 - 200))).toMatchObject({ turn: false, place: 3 });
    // Without a publication time it joins at the tail, and nothing overtakes it.
    expect(await b.enter(c, 'm-x', T0 + 7)).toMatchObject({ turn: false, place: 6 });
    expect(await b.enter(c, 'm-3', T0 + 8, at(T0 - 700))).toMatchObject({ turn: false, place: 1 });
  });

  it('puts a message that joins late ahead of the parked ones published after it, a parked head included', async () => {
    const { a, b } = replicas;
    const c = conversation();
    expect(await a.enter(c, 'm-1', T0, at(T0 - 300))).toEqual({ turn: true });
    await b.enter(c, 'm-3', T0 + 1, at(T0 - 100));
    await b.park(c, 'm-3', T0 + 1_000, T0 + 2, T0 - 100);
    expect(await a.enter(c, 'm-2', T0 + 3, at(T0 - 200))).toMatchObject({ turn: false, ahead: { messageId: 'm-1' }, place: 1 });
    await a.leave(c, 'm-1');
    expect(await b.enter(c, 'm-3', T0 + 1_000, at(T0 - 100))).toMatchObject({ turn: false, ahead: { messageId: 'm-2' }, place: 1 });
    // A head parked for a retry, published after the one that joins late: that one goes first.
    expect(await a.enter(c, 'm-2', T0 + 1_001, at(T0 - 200))).toEqual({ turn: true });
    await a.park(c, 'm-2', T0 + 2_000, T0 + 1_002, T0 - 200);
    expect(await b.enter(c, 'm-0', T0 + 1_003, at(T0 - 400))).toEqual({ turn: true });
    expect(await a.enter(c, 'm-2', T0 + 2_000, at(T0 - 200))).toMatchObject({
      turn: false,
      ahead: { messageId: 'm-0', state: 'sending' },
      place: 1,
    });
  });

  it('lets the head gather first, and gives the head to a message published before it that joins meanwhile', async () => {
    const { a, b } = replicas;
    const c = conversation();
    const order = (publishedAt: number, gatherMs = 250) => ({ publishedAt, gatherMs });
    expect(await a.enter(c, 'm-3', T0, order(T0 - 3_000))).toEqual({
      turn: false,
      ahead: { messageId: 'm-3', state: 'gathering', dueAt: T0 + 250, publishedAt: T0 - 3_000 },
      place: 0,
    });
    expect(await b.enter(c, 'm-1', T0 + 100, order(T0 - 5_000))).toMatchObject({ turn: false, ahead: { messageId: 'm-1' }, place: 0 });
    expect(await a.enter(c, 'm-3', T0 + 260, order(T0 - 3_000))).toMatchObject({
      turn: false,
      ahead: { messageId: 'm-1', state: 'gathering', dueAt: T0 + 350 },
      place: 1,
    });
    expect(await b.enter(c, 'm-1', T0 + 300, order(T0 - 5_000))).toMatchObject({ turn: false, place: 0 });
    // Entering with gatherMs 0 ends a gathering early.
    expect(await b.enter(c, 'm-1', T0 + 301, order(T0 - 5_000, 0))).toEqual({ turn: true });
    await b.leave(c, 'm-1');
    expect(await a.enter(c, 'm-3', T0 + 400, order(T0 - 3_000))).toMatchObject({
      turn: false,
      ahead: { state: 'gathering', dueAt: T0 + 650 },
    });
    expect(await a.enter(c, 'm-3', T0 + 650, order(T0 - 3_000))).toEqual({ turn: true });
  });

  it('takes any message id and conversation, separators and braces included', async () => {
    const { a, b } = replicas;
    const c = `${conversation()}|{x}`;
    expect(await a.enter(c, 'order|42{', T0)).toEqual({ turn: true });
    expect(await b.enter(c, 's|1', T0 + 1)).toEqual({
      turn: false,
      ahead: { messageId: 'order|42{', state: 'sending', dueAt: T0 },
      place: 1,
    });
    await a.leave(c, 'order|42{');
    expect(await b.enter(c, 's|1', T0 + 2)).toEqual({ turn: true });
  });
});

describe('ConversationLine keys in Redis', () => {
  const options = { ...redisOptions, keyPrefix: `test-line-keys-${randomBytes(4).toString('hex')}:` };
  const replicas = onRedis(options);
  const inspector = new Redis(REDIS_URL);

  beforeAll(() => replicas.ready());

  afterAll(async () => {
    const keys = await inspector.keys(`${options.keyPrefix}*`);
    if (keys.length > 0) await inspector.del(...keys);
    inspector.disconnect();
    await replicas.stop();
  });

  it('keeps both keys until the latest place lapses, and removes them when the last message leaves', async () => {
    const c = 'acme:4915100';
    const keys = conversationLineKeys(options.keyPrefix, c);
    const now = Date.now();
    await replicas.a.enter(c, 'm-1', now);
    await replicas.b.enter(c, 'm-2', now);
    await replicas.b.park(c, 'm-2', now + 30_000, now);
    for (const key of keys) {
      const ttl = await inspector.pttl(key);
      expect(ttl).toBeGreaterThan(30_000);
      expect(ttl).toBeLessThanOrEqual(30_000 + STALE_MS);
    }
    await replicas.a.leave(c, 'm-1');
    await replicas.b.leave(c, 'm-2');
    expect(await inspector.exists(...keys)).toBe(0);
  });

  it('asks again, rather than answer from this process, when Redis answered an enter too late for a stalled replica', async () => {
    const c = 'acme:4915102';
    const now = Date.now();
    expect(await replicas.b.enter(c, 'm-1', now)).toEqual({ turn: true });
    // The command timeout is 1 s: Redis places m-2, and the reply is read too late. The line in process is
    // empty and would give m-2 the turn while m-1 is being sent.
    stallAfterNextWrite(replicas.connectionA.client!, 1500);
    expect(await replicas.a.enter(c, 'm-2', now + 1)).toMatchObject({ turn: false, place: 1 });
    expect(replicas.connectionA.available).toBe(true);
    expect(await replicas.a.enter(c, 'm-2', now + 2)).toMatchObject({ turn: false, ahead: { messageId: 'm-1' }, place: 1 });
    await replicas.b.leave(c, 'm-1');
    expect(await replicas.a.enter(c, 'm-2', now + 3)).toEqual({ turn: true });
    await replicas.a.leave(c, 'm-2');
  });

  it('sends a leave Redis missed once it answers again, so the next message does not wait for the place to lapse', async () => {
    const c = 'acme:4915101';
    // Its place lapses a minute from now, and both keys expire after STALE_MS: the leave must end it sooner.
    const now = Date.now() + 60_000;
    expect(await replicas.a.enter(c, 'm-1', now)).toEqual({ turn: true });
    replicas.connectionA.markDegraded('a command timed out');
    await replicas.a.leave(c, 'm-1');
    expect(await replicas.b.enter(c, 'm-2', now + 1)).toMatchObject({ turn: false, ahead: { messageId: 'm-1' } });
    await waitUntil('replica A to reach Redis again', () => replicas.connectionA.available);
    await waitUntil('the missed leave to reach Redis', async () => (await replicas.b.enter(c, 'm-2', now + 2)).turn, STALE_MS - 5_000);
  });
});
