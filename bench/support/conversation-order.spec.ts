import { RecordedRequest } from '@lib/testing';
import { BenchConversations } from './conversation-order';

const call = (to: string, text: string, receivedAt: number) => ({ body: { to, text: { body: text } }, receivedAt }) as RecordedRequest;

describe(BenchConversations.name, () => {
  it('spreads a conversation over the run, or sends it back to back', () => {
    const spread = new BenchConversations(5, 20, false);
    expect([0, 1, 4, 8].map((i) => spread.recipientOf(i))).toEqual(['+490000000000', '+490000000001', '+490000000000', '+490000000000']);
    const burst = new BenchConversations(5, 20, true);
    expect([0, 4, 5].map((i) => burst.recipientOf(i))).toEqual(['+490000000000', '+490000000000', '+490000000001']);
  });

  it('knows a message by its recipient when each has one, else by its text', () => {
    expect(new BenchConversations(1, 10, false).keyOf(3)).toBe('+490000000003');
    const conversations = new BenchConversations(5, 10, false);
    expect(conversations.keyOf(3)).toBe('m3');
    expect(conversations.keyOfCall(call('+490000000001', 'm3', 0))).toBe('m3');
  });

  it('counts the conversations that arrived in order and the calls made while the one before was at Meta', () => {
    const conversations = new BenchConversations(3, 6, true);
    const calls = [
      call('+490000000000', 'm0', 0),
      call('+490000000000', 'm1', 250),
      call('+490000000000', 'm2', 500),
      call('+490000000001', 'm4', 0),
      call('+490000000001', 'm3', 100),
      call('+490000000001', 'm5', 400),
    ];
    expect(conversations.orderOf(calls, 200)).toEqual({ inOrder: 1, conversations: 2, overlapping: 1 });
  });
});
