import { RedisConnection, SharedStateOptions } from '@lib/resilience';

/**
 * Shared-state options and a connection without a Redis URL, so every store built on them keeps its
 * state in process, as a replica without `REDIS_URL` does.
 */
export function inProcessSharedState(overrides: Partial<Omit<SharedStateOptions, 'redisUrl'>> = {}): {
  options: SharedStateOptions;
  connection: RedisConnection;
} {
  const options: SharedStateOptions = {
    keyPrefix: 'spec:',
    expectedReplicas: 1,
    maxRateLimitWaitMs: 1000,
    staleClaimMs: 5_000,
    ...overrides,
  };
  // Without a URL the connection never creates a client nor a gauge, so it needs no metrics.
  return { options, connection: new RedisConnection(options, undefined as never) };
}
