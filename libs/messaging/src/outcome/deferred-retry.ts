import { BackoffOptions, deferralDelay, DeliveryError } from '@lib/resilience';
import { DeliveryOutcome, OutcomeContext } from './delivery-outcome';

/** A routing-key word fit to name a queue; anything else waits in the shared tier queues. */
const QUEUE_SAFE_TENANT = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The retry of a message that made no vendor call (its next step is `defer`): it spends no attempt.
 * If the refusal asks for it, the message waits in its tenant's own delay queue, until its reserved
 * slot or for the refusal's minimum wait; otherwise in the tier queues, as `deferralDelay` decides.
 */
export function deferredRetry(context: OutcomeContext, error: DeliveryError, backoff: BackoffOptions): DeliveryOutcome {
  const { state, tenantId } = context;
  state.deferrals += 1;
  const { inTenantQueue, slotAt, minRetryDelayMs } = error.details;
  if (inTenantQueue && tenantId && QUEUE_SAFE_TENANT.test(tenantId)) {
    const delayMs = slotAt !== undefined ? Math.max(0, slotAt - Date.now()) : (minRetryDelayMs ?? 0);
    return { kind: 'retry', context, error, delay: { tierMs: 0, delayMs }, inTenantQueue: true };
  }
  return { kind: 'retry', context, error, delay: deferralDelay(state.deferrals, backoff, error) };
}
