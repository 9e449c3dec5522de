import { DeliveryError, RetryDelay } from '@lib/resilience';
import { DeliveryState } from './delivery-headers';

/** What the handler learned about the message, for headers, metrics and logs. */
export interface OutcomeContext {
  tenantId?: string;
  /** The message's own id (the delivery ledger's key), when it could be read. */
  messageId?: string;
  /** Message type label for metrics (`text`, `template`, …); `unknown` when unparseable. */
  messageType: string;
  state: DeliveryState;
}

/** An event to publish once the outcome is settled in the broker (e.g. a status event). */
export interface OutcomeEvent {
  exchange: string;
  routingKey: string;
  payload: unknown;
  /**
   * The message is acked only once the broker confirmed this event; otherwise it is handed back, and
   * its redelivery (recognised as sent by the ledger) publishes the event again. Without it the event is
   * best effort: a failure is logged and the outcome stands.
   */
  required?: boolean;
}

export type DeliveryOutcome = (
  | { kind: 'delivered'; context: OutcomeContext; event?: OutcomeEvent }
  /**
   * Already delivered earlier (a redelivery or a republished copy): acked without a second send; `event`
   * re-reports the send when the earlier delivery may not have.
   */
  | { kind: 'duplicate'; context: OutcomeContext; event?: OutcomeEvent }
  | {
      kind: 'retry';
      context: OutcomeContext;
      error: DeliveryError;
      delay: RetryDelay;
      /** Park in the tenant's own delay queue (per-message TTL, FIFO per tenant) instead of a shared tier. */
      inTenantQueue?: boolean;
    }
  | { kind: 'dead-letter'; context: OutcomeContext; error: DeliveryError; event?: OutcomeEvent }
  /** Nothing to send and nothing wrong (e.g. a status the vendor has no use for): acked and counted. `reasonCode` is a bounded metric label. */
  | { kind: 'dropped'; context: OutcomeContext; reasonCode: string; reason: string }
) & {
  /** Called once the outcome is settled in the broker (e.g. to let the conversation's next message go). */
  onSettled?: () => void;
};
