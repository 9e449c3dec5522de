import { DeliveryState, OutcomeEvent } from '@lib/messaging';
import { LogFields } from '@lib/observability';
import { DeliveryError } from '@lib/resilience';

/** What the pipeline needs to know of a parsed message. */
export interface MessageIdentity {
  tenantId: string;
  /** The message's own id: the key of the delivery ledger, so a redelivered or republished copy is recognised. */
  messageId: string;
  /** Metric label (e.g. `text`, `template`, `receipt`). */
  messageType: string;
  /** Messages with the same key are delivered one at a time and in order; without one, no order is kept. */
  conversationKey?: string;
  /** When its publisher published it (epoch ms, `publishedAtOf` the envelope's timestamp): the order of a conversation. */
  publishedAt: number;
  /** Bound to every log line about the message: its ids under the names the service documents. */
  logFields: LogFields;
}

/** The vendor's verdict on a body that is JSON and not hostile. */
export type EnvelopeCheck<E> = { ok: true; envelope: E } | { ok: false; reason: string };

/** A message refused before it was understood: what its failed event can still say. */
export interface RefusedMessage {
  /** The routing key's tenant: the one the broker let the publisher publish as. */
  tenantId: string;
  messageId: string;
}

/**
 * What one egress service adds to the delivery pipeline: how to read its envelope, how to send it to its
 * vendor, and what to tell the rest of the platform about the outcome. Everything else (ledger, attempt
 * budget, expiry, order, refresh-once, the step per error category) is the pipeline's.
 */
export interface DeliveryHooks<E, R> {
  /** The vendor's name in reasons and logs (`Meta`, `Genesys`). */
  readonly vendor: string;
  /** Where the envelope names its tenant, for the reason when it disagrees with the routing key; the platform's `metadata.tenantId` if not said. */
  readonly tenantIdField?: string;
  /** The log field a message's id goes under (`internalId`), also for a message refused as invalid. */
  readonly messageIdLogField: string;
  /** Validates the parsed body. */
  check(json: unknown): EnvelopeCheck<E>;
  /** The id of a message refused as invalid, read best effort (a plain short string, never copied) for its dead letter and failed event. */
  messageIdOf(json: unknown): string | undefined;
  identify(envelope: E): MessageIdentity;
  /**
   * One vendor call with whatever it needs first (credentials, holds, rate limits). Resolves with the
   * vendor's receipt; throws a `VendorCallFailure` when the call was made and failed, a `DeliveryError`
   * when no call counted (nothing was sent).
   */
  send(envelope: E, state: DeliveryState): Promise<R>;
  /** Forgets the credentials the vendor just refused; the pipeline then sends once more. */
  refreshCredentials(envelope: E): void | Promise<void>;
  /** A receipt as the ledger kept it (JSON, or the raw text an earlier version stored) back into its type. */
  readReceipt(stored: unknown): R;
  /** Fields of the `message_sent` line; `warning` when the receipt itself is cause for concern. */
  describeReceipt(receipt: R): { fields: LogFields; warning?: boolean };
  sentEvent(envelope: E, receipt: R, attempts: number): OutcomeEvent | undefined;
  failedEvent(message: E | RefusedMessage, error: DeliveryError, attempts: number): OutcomeEvent | undefined;
  /** Nothing to send for this message (e.g. a status the vendor has no use for): it is acked and counted. `code` is a bounded metric label. */
  dropReason?(envelope: E): { code: string; reason: string } | undefined;
  /** Why a message that outlived its age limit waited that long, when the vendor side knows (e.g. an account hold). */
  expiryReason?(envelope: E): Promise<{ note: string; code?: number | string } | undefined>;
}
