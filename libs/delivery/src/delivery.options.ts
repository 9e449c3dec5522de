export interface DeliveryOptions {
  /** Queue messages larger than this are dead-lettered unparsed (MESSAGE_MAX_BYTES). */
  messageMaxBytes: number;
  /** A message first seen longer ago than this is dead-lettered as expired (the work queue's TTL). */
  maxMessageAgeMs: number;
  /** Vendor calls one message may cost, and the backoff between them (RETRY_*). */
  retry: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };
  /** Longest a conversation's next message waits in process for the one before it (handling plus its publishes). */
  conversationTurnMs: number;
  /**
   * How long after its ledger claim a handling may still start the vendor call: short enough that the call
   * (at most the vendor timeout) ends and is recorded before the claim may be taken over.
   */
  sendWindowMs: number;
  /**
   * How long a message that waited in the queue longer than this gathers at the head of its conversation's
   * line (CONVERSATION_GATHER_MS with several replicas, else 0): replicas working through a backlog each hold
   * up to their prefetch, so earlier messages of the conversation may still be joining from another replica.
   * @default 0
   */
  gatherMs?: number;
}

export const DELIVERY_OPTIONS = Symbol('DELIVERY_OPTIONS');
