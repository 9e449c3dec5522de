import { DeliveryState } from '@lib/messaging';
import { DeliveryError, DeliveryErrorCategory as Category } from '@lib/resilience';

/**
 * Called by a vendor sender just before the call that sends. Another consumer may take a ledger claim
 * over once it is HANDLER_TIMEOUT_MS old; a call started later than `state.sendBy` might still be out
 * then, and the message would go out twice. Such a handling (slowed by waits or a starved process) gives
 * up its claim and waits in the broker instead, no attempt spent.
 */
export function assertWithinSendWindow(state: DeliveryState): void {
  if (state.sendBy === undefined) return;
  const lateMs = Date.now() - state.sendBy;
  if (lateMs > 0) {
    throw new DeliveryError(
      Category.HANDLING_TIMEOUT,
      `too late to start the vendor call (${lateMs} ms past the send window of its ledger claim): it might outlive the claim`,
    );
  }
}
