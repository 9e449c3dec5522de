import { RecordedRequest } from '../simulators/meta/meta-graph.simulator';

export interface ConversationOrder {
  /** Recipients with at least one accepted call. */
  conversations: number;
  /** `{to}: {places in the order first sent}` for each conversation whose messages were first sent out of order. */
  outOfOrder: string[];
  /** `{text} {text}` for each call that arrived sooner than `inFlightWithinMs` after the one before it in its conversation. */
  overlapping: string[];
}

/**
 * What Meta's accepted calls (one conversation per recipient) show of the order: whether each conversation's
 * messages were first sent in the order of their places (`placeOf`, read from the call; a later copy of a
 * message sent again does not count), and which calls reached Meta while the one before them in their
 * conversation was still there (less than `inFlightWithinMs` apart: Meta's latency, less any timer slack).
 */
export function conversationOrder(
  accepted: RecordedRequest[],
  placeOf: (call: RecordedRequest) => number,
  inFlightWithinMs: number,
): ConversationOrder {
  const byRecipient = new Map<string, RecordedRequest[]>();
  for (const call of accepted) byRecipient.set(call.body.to, [...(byRecipient.get(call.body.to) ?? []), call]);
  const outOfOrder: string[] = [];
  const overlapping: string[] = [];
  const textOf = (call: RecordedRequest): string => call.body.text?.body;
  for (const [to, unsorted] of byRecipient) {
    const calls = [...unsorted].sort((a, b) => a.receivedAt - b.receivedAt);
    const firstSends = [...new Set(calls.map(placeOf))];
    if (firstSends.some((place, i) => i > 0 && place < firstSends[i - 1])) outOfOrder.push(`${to}: ${firstSends.join(',')}`);
    calls.forEach((call, i) => {
      if (i > 0 && call.receivedAt - calls[i - 1].receivedAt < inFlightWithinMs)
        overlapping.push(`${textOf(calls[i - 1])} ${textOf(call)}`);
    });
  }
  return { conversations: byRecipient.size, outOfOrder, overlapping };
}
