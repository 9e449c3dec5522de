import type { DeadLetterShape } from '@lib/messaging/dead-letter-ops';

/** What operations tools need to know of an egress service to work on its queues and its shared state. */
export interface EgressService extends DeadLetterShape {
  /** The service's name, as in its logs. */
  service: string;
  /** Topic exchange its work is published to, and replayed to. */
  exchange: string;
  deadLetterExchange: string;
  deadLetterQueue: string;
  /** Routing key its dead letters are published with on `deadLetterExchange`. */
  deadLetterRoutingKey: string;
  /** The service's default `REDIS_KEY_PREFIX`: where its shared state (e.g. account holds) lives. */
  redisKeyPrefix: string;
}
