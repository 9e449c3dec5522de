import { BackoffOptions, deferralDelay, DeliveryError } from '@lib/resilience';
import { DeliveryOutcome, OutcomeContext } from './delivery-outcome';
import { TENANT_ID_PATTERN } from './tenant-of-routing-key.util';

/**
 * The retry of a message that made no vendor call (its next step is `defer`): it spends no attempt.
 * If the refusal asks for it, the message waits in its tenant's own delay queue, until its reserved
 * slot or for the refusal's minimum wait; otherwise in the tier queues, as `deferralDelay` decides.
 */
export function deferredRetry(context: OutcomeContext, error: DeliveryError, backoff: BackoffOptions): DeliveryOutcome {
  const { state, tenantId } = context;
  state.deferrals += 1;
  const { inTenantQueue, slotAt, minRetryDelayMs } = error.details;
  if (inTenantQueue && tenantId && TENANT_ID_PATTERN.test(tenantId)) {
    const delayMs = slotAt !== undefined ? Math.max(0, slotAt - Date.now()) : (minRetryDelayMs ?? 0);
    return { kind: 'retry', context, error, delay: { tierMs: 0, delayMs }, inTenantQueue: true };
  }
  return { kind: 'retry', context, error, delay: deferralDelay(state.deferrals, backoff, error) };
}
