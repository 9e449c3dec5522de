import { DeliveryOutcome, OutcomeContext } from '@lib/messaging';
import { ConversationLine, DeliveryError, DeliveryErrorCategory as Category } from '@lib/resilience';
import { inProcessSharedState } from '@lib/testing';
import { ConversationGate } from './conversation-gate.service';
import { DeliveryOptions } from './delivery.options';

const OPTIONS: DeliveryOptions = {
  messageMaxBytes: 65_536,
  maxMessageAgeMs: 86_400_000,
  retry: { maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 1_600 },
  conversationTurnMs: 5_000,
  // How long a message waits here behind a send: short, so the spec sees it give up.
  sendWindowMs: 300,
};
const CONVERSATION = 'acme:4915112345678';

function contextOf(messageId: string): OutcomeContext {
  return {
    tenantId: 'acme',
    messageId,
    messageType: 'text',
    state: { attempts: 0, deferrals: 0, firstSeenAt: Date.now(), originalRoutingKey: 'outbound.processed.acme' },
  };
}

/** A message taken off the queue as it was published. */
const fresh = (messageId: string) => ({ messageId, publishedAt: Date.now() });

const delivered = (messageId: string) => async (): Promise<DeliveryOutcome> => ({ kind: 'delivered', context: contextOf(messageId) });

/** Two replicas' gates sharing one line, as Redis would make them share it (here the line of one process). */
function twoReplicas(options: Partial<DeliveryOptions> = {}) {
  const shared = inProcessSharedState();
  const line = new ConversationLine(shared.connection, shared.options);
  return { line, a: new ConversationGate(line, { ...OPTIONS, ...options }), b: new ConversationGate(line, { ...OPTIONS, ...options }) };
}

describe(ConversationGate.name, () => {
  it('sends a message at once when its conversation has no line, and lets the next one go once it is sent', async () => {
    const { a } = twoReplicas();
    const first = await a.inOrder(CONVERSATION, fresh('m-1'), contextOf('m-1'), delivered('m-1'));
    expect(first.kind).toBe('delivered');
    first.onSettled?.();
    expect((await a.inOrder(CONVERSATION, fresh('m-2'), contextOf('m-2'), delivered('m-2'))).kind).toBe('delivered');
  });

  it('waits on another replica for a message of the conversation being sent there, and sends after it', async () => {
    const { a, b } = twoReplicas();
    const order: string[] = [];
    let finishFirst!: () => void;
    const first = a.inOrder(CONVERSATION, fresh('m-1'), contextOf('m-1'), async () => {
      await new Promise<void>((resolve) => (finishFirst = resolve));
      order.push('m-1');
      return { kind: 'delivered', context: contextOf('m-1') };
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    const second = b.inOrder(CONVERSATION, fresh('m-2'), contextOf('m-2'), async () => {
      order.push('m-2');
      return { kind: 'delivered', context: contextOf('m-2') };
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(order).toEqual([]);
    finishFirst();
    expect((await first).kind).toBe('delivered');
    expect((await second).kind).toBe('delivered');
    expect(order).toEqual(['m-1', 'm-2']);
  });

  it('parks a message behind a head that is parked for a retry, for the tier that covers the rest of its wait', async () => {
    const { a, b } = twoReplicas();
    const retry: DeliveryOutcome = {
      kind: 'retry',
      context: contextOf('m-1'),
      error: new DeliveryError(Category.TRANSIENT, 'HTTP 500'),
      delay: { tierMs: 800, delayMs: 700 },
    };
    await a.inOrder(CONVERSATION, fresh('m-1'), contextOf('m-1'), async () => retry);
    const context = contextOf('m-2');
    const behind = await b.inOrder(CONVERSATION, fresh('m-2'), context, delivered('m-2'));
    expect(behind).toMatchObject({ kind: 'retry', delay: { tierMs: 800, delayMs: 800 } });
    expect(behind.kind === 'retry' && behind.error.category).toBe(Category.CONVERSATION_HELD);
    expect(context.state.deferrals).toBe(1);
  });

  it('parks a message behind a send that outlasts the send window, rather than wait past it', async () => {
    const { a, b } = twoReplicas();
    let finishFirst!: () => void;
    const first = a.inOrder(CONVERSATION, fresh('m-1'), contextOf('m-1'), async () => {
      await new Promise<void>((resolve) => (finishFirst = resolve));
      return { kind: 'delivered', context: contextOf('m-1') };
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    const startedAt = Date.now();
    const behind = await b.inOrder(CONVERSATION, fresh('m-2'), contextOf('m-2'), delivered('m-2'));
    expect(behind).toMatchObject({ kind: 'retry', delay: { tierMs: 200, delayMs: 200 } });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(250);
    finishFirst();
    await first;
  });

  it('never keeps out a head of the same replica while a message behind it waits here', async () => {
    const { line } = twoReplicas();
    // A wait as long as a real one: were the head kept out until it ends, the spec would time out.
    const a = new ConversationGate(line, { ...OPTIONS, sendWindowMs: 60_000 });
    const sent: string[] = [];
    const sending = (messageId: string) => async (): Promise<DeliveryOutcome> => {
      sent.push(messageId);
      return { kind: 'delivered', context: contextOf(messageId) };
    };
    const parked: DeliveryOutcome = {
      kind: 'retry',
      context: contextOf('m-1'),
      error: new DeliveryError(Category.THROTTLED, 'rate limit slot'),
      delay: { tierMs: 200, delayMs: 0 },
    };
    (await a.inOrder(CONVERSATION, fresh('m-1'), contextOf('m-1'), async () => parked)).onSettled?.();
    // The parked head comes back to this replica just as the next message has joined behind it.
    let back: Promise<DeliveryOutcome> | undefined;
    const enter = line.enter.bind(line);
    jest.spyOn(line, 'enter').mockImplementation(async (conversation, messageId, now) => {
      const entry = await enter(conversation, messageId, now);
      if (messageId === 'm-2' && !back) back = a.inOrder(CONVERSATION, fresh('m-1'), contextOf('m-1'), sending('m-1'));
      return entry;
    });
    const second = await a.inOrder(CONVERSATION, fresh('m-2'), contextOf('m-2'), sending('m-2'));
    expect((await back)?.kind).toBe('delivered');
    // It saw the head parked, so it parked behind it; had it waited here, it would have been sent after it.
    expect(second).toMatchObject({ kind: 'retry', error: { category: Category.CONVERSATION_HELD } });
    expect(sent).toEqual(['m-1']);
  });

  it('lets the line move on when the head is dead-lettered or its handling throws', async () => {
    const { a, b } = twoReplicas();
    const dead: DeliveryOutcome = { kind: 'dead-letter', context: contextOf('m-1'), error: new DeliveryError(Category.PERMANENT, 'bad') };
    (await a.inOrder(CONVERSATION, fresh('m-1'), contextOf('m-1'), async () => dead)).onSettled?.();
    await expect(
      b.inOrder(CONVERSATION, fresh('m-2'), contextOf('m-2'), async () => {
        throw new Error('defect');
      }),
    ).rejects.toThrow('defect');
    expect((await a.inOrder(CONVERSATION, fresh('m-3'), contextOf('m-3'), delivered('m-3'))).kind).toBe('delivered');
  });

  it('needs no line for a message without a conversation', async () => {
    const { line, a } = twoReplicas();
    const enter = jest.spyOn(line, 'enter');
    expect((await a.inOrder(undefined, fresh('m-1'), contextOf('m-1'), delivered('m-1'))).kind).toBe('delivered');
    expect(enter).not.toHaveBeenCalled();
  });

  describe('a backlog: messages that waited in the queue', () => {
    const T0 = 1_800_000_000_000;
    const GATHER_MS = 250;
    /** Published ten seconds before T0, `i` ms apart: a backlog's messages, in the order their publisher sent them. */
    const queued = (messageId: string, i: number) => ({ messageId, publishedAt: T0 - 10_000 + i });
    /** Sends that note the order they were made in. */
    const recordedSends = () => {
      const order: string[] = [];
      const send = (messageId: string) => async (): Promise<DeliveryOutcome> => {
        order.push(messageId);
        return { kind: 'delivered', context: contextOf(messageId) };
      };
      return { order, send };
    };
    /** The outcome, once it settled as the consumer settles it (releasing the conversation's lock). */
    const settled = (outcome: Promise<DeliveryOutcome>) => outcome.then((o) => (o.onSettled?.(), o));

    beforeEach(() => jest.useFakeTimers({ now: T0 }));
    afterEach(() => jest.useRealTimers());

    it('gathers at the head for gatherMs before it is sent, when nothing earlier joins', async () => {
      const { a } = twoReplicas({ sendWindowMs: 5_000, gatherMs: GATHER_MS });
      const deliver = jest.fn(delivered('m-1'));
      const sent = a.inOrder(CONVERSATION, queued('m-1', 1), contextOf('m-1'), deliver);
      await jest.advanceTimersByTimeAsync(GATHER_MS - 1);
      expect(deliver).not.toHaveBeenCalled();
      await jest.advanceTimersByTimeAsync(1);
      expect((await sent).kind).toBe('delivered');
    });

    it('sends them in the order they were published, whichever replica takes one off the queue first', async () => {
      const { a, b } = twoReplicas({ sendWindowMs: 5_000, gatherMs: GATHER_MS });
      const { order, send } = recordedSends();
      const third = settled(b.inOrder(CONVERSATION, queued('m-3', 3), contextOf('m-3'), send('m-3')));
      await jest.advanceTimersByTimeAsync(50);
      const first = settled(a.inOrder(CONVERSATION, queued('m-1', 1), contextOf('m-1'), send('m-1')));
      await jest.advanceTimersByTimeAsync(50);
      const second = settled(b.inOrder(CONVERSATION, queued('m-2', 2), contextOf('m-2'), send('m-2')));
      await jest.advanceTimersByTimeAsync(5_000);
      expect((await Promise.all([first, second, third])).map((o) => o.kind)).toEqual(['delivered', 'delivered', 'delivered']);
      expect(order).toEqual(['m-1', 'm-2', 'm-3']);
    });

    it('sends a message that reaches the line late (held by a replica that died) before a later one parked behind the head', async () => {
      const { a, b } = twoReplicas({ sendWindowMs: 1_000, gatherMs: GATHER_MS });
      const { order, send } = recordedSends();
      let finishFirst!: () => void;
      const first = settled(
        a.inOrder(CONVERSATION, queued('m-1', 1), contextOf('m-1'), async () => {
          await new Promise<void>((resolve) => (finishFirst = resolve));
          return send('m-1')();
        }),
      );
      await jest.advanceTimersByTimeAsync(GATHER_MS);
      const third = settled(b.inOrder(CONVERSATION, queued('m-3', 3), contextOf('m-3'), send('m-3')));
      await jest.advanceTimersByTimeAsync(1_000);
      expect(await third).toMatchObject({ kind: 'retry', error: { category: Category.CONVERSATION_HELD } });
      const second = settled(a.inOrder(CONVERSATION, queued('m-2', 2), contextOf('m-2'), send('m-2')));
      await jest.advanceTimersByTimeAsync(10);
      finishFirst();
      await jest.advanceTimersByTimeAsync(GATHER_MS + 50);
      // m-3 comes back from its wait queue after m-2 was sent.
      const thirdAgain = settled(b.inOrder(CONVERSATION, queued('m-3', 3), contextOf('m-3'), send('m-3')));
      await jest.advanceTimersByTimeAsync(GATHER_MS);
      expect((await Promise.all([first, second, thirdAgain])).map((o) => o.kind)).toEqual(['delivered', 'delivered', 'delivered']);
      expect(order).toEqual(['m-1', 'm-2', 'm-3']);
    });

    it('sends it at once with gatherMs 0 (one replica takes the queue in its order)', async () => {
      const { a } = twoReplicas({ sendWindowMs: 5_000, gatherMs: 0 });
      expect((await a.inOrder(CONVERSATION, queued('m-1', 1), contextOf('m-1'), delivered('m-1'))).kind).toBe('delivered');
    });

    it('cuts its gathering short rather than outlast its send window', async () => {
      const { a } = twoReplicas({ sendWindowMs: GATHER_MS / 2, gatherMs: GATHER_MS });
      const deliver = jest.fn(delivered('m-1'));
      const sent = a.inOrder(CONVERSATION, queued('m-1', 1), contextOf('m-1'), deliver);
      await jest.advanceTimersByTimeAsync(GATHER_MS / 2);
      expect((await sent).kind).toBe('delivered');
    });
  });
});
