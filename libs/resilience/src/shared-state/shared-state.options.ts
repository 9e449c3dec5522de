export interface SharedStateOptions {
  /** redis:// URL; without it every guarantee holds within one process only. */
  redisUrl?: string;
  /** Prefix of every key, so several services, test runs or demos can share one Redis. */
  keyPrefix: string;
  /** Replicas sharing a rate limit; each paces at, and falls back to, the limit divided by this. */
  expectedReplicas: number;
  /** Longest in-process wait for a rate-limit slot; a longer wait goes through the broker. */
  maxRateLimitWaitMs: number;
  /** A claim older than this is taken over: the consumer that made it died before deciding. */
  staleClaimMs: number;
  /**
   * How long the delivery ledger remembers a message (DEDUPE_TTL_S): a copy arriving later is delivered again.
   * @default 86400
   */
  ledgerTtlS?: number;
}

export const SHARED_STATE_OPTIONS = Symbol('SHARED_STATE_OPTIONS');
