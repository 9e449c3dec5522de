import { BackoffOptions } from '@lib/resilience';
import { DeadLetterIdHeaders } from './outcome/delivery-headers';
import { WorkQueueTopology } from './topology/work-queue-topology';

export interface MessagingOptions {
  /** amqp(s) URL, vhost included, or the URLs of a cluster's nodes: a lost connection moves on to the next. */
  uri: string | string[];
  /** Unacked deliveries per consumer channel; set explicitly because golevelup's default is 10. */
  prefetchCount: number;
  /** Longest wait for a publisher confirm before the publish counts as failed; time the broker blocks publishers does not count. */
  publishTimeoutMs: number;
  /**
   * How long start-up waits for the broker before giving up with a clear error.
   * @default 30000
   */
  connectTimeoutMs?: number;
  topology: WorkQueueTopology;
  /**
   * How long shutdown waits for in-flight messages to settle before closing the connection.
   * @default 30000
   */
  shutdownTimeoutMs?: number;
  /** Backoff of the waits that spend no attempt (a policy refused the message before any vendor call). */
  retry: BackoffOptions;
  /**
   * The range of what the service itself writes into its bookkeeping headers; values read back from a
   * returning message are clamped to it (`DeliveryStateReader`).
   */
  /** The names of the message-id and trace-id headers of this service's dead letters (its broker contract). */
  deadLetterIdHeaders?: DeadLetterIdHeaders;
  stateBounds: {
    /** Vendor calls one message may cost (RETRY_MAX_ATTEMPTS). */
    maxAttempts: number;
    /** The furthest ahead a reserved send slot can lie: the longest in-process rate-limit wait plus the longest deferral. */
    maxSlotAheadMs: number;
  };
}
