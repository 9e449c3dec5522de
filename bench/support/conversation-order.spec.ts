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

  it("reads a message's place back from its text", () => {
    expect(new BenchConversations(5, 10, false).placeOfCall(call('+490000000001', 'm7', 0))).toBe(7);
  });
});
