import { MetaErrorKey, MetaErrorSpec } from './meta-error-catalog';

/**
 * Failures Meta never answers the send with: the call gets 200 and a WAMID, and the failure comes
 * later in the `messages` webhook as `statuses[].status = "failed"` (fact sheet §0.2, VERIFIED for both).
 */
export const ASYNC_ONLY_ERRORS: readonly MetaErrorKey[] = ['131049', '131050'];

/** An error of `statuses[].errors[]`: no `(#code)` prefix, no `type`, no `fbtrace_id` (fact sheet §1.4). */
export interface StatusWebhookError {
  code: number;
  title: string;
  message: string;
  error_data: { details: string };
  href: string;
}

/** A send Meta accepted whose failure belongs to the status webhook (a later service's concern). */
export interface AsyncSendFailure {
  wamid: string;
  phoneNumberId: string;
  /** The normalised `wa_id` of the recipient, as `statuses[].recipient_id` carries it. */
  recipientId: string;
  error: StatusWebhookError;
}

export function statusWebhookError(spec: MetaErrorSpec): StatusWebhookError {
  const title = spec.message.replace(/^\(#\d+\) /, '');
  return {
    code: spec.code,
    title,
    message: title,
    error_data: { details: spec.details ?? title },
    href: '/documentation/business-messaging/whatsapp/support/error-codes',
  };
}
