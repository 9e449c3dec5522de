import { Injectable, Logger } from '@nestjs/common';
import { growingLruCache } from '@lib/observability';
import { DeliveryState } from '@lib/messaging';
import { AccountHold, AccountHoldMetrics, AccountHoldStore, DeliveryError } from '@lib/resilience';
import { WhatsappConfig } from '../config/whatsapp.config';
import { WHATSAPP_OUTBOUND_QUEUE } from '@lib/contracts';
import { MetaCategory } from '../meta/meta-error-categories';

/**
 * Longest single wait behind a hold. Per-message TTLs expire only at the head of the tenant's delay
 * queue, so a message due sooner (its 24 h bound) can sit behind one due later: bounding every wait
 * bounds that lateness too, for one broker round trip per waiting message per period.
 */
export const MAX_HOLD_WAIT_MS = 15 * 60_000;

/** How long a tenant found on no hold is taken to have none, without asking the store again. */
const CLEAR_FOR_MS = 1_000;

/**
 * Pauses a tenant whose WhatsApp Business account Meta refuses as a whole (locked, blocked, unpaid,
 * misconfigured), instead of dead-lettering its backlog one Meta call at a time. While the hold lasts
 * its messages wait in the tenant's own delay queue without spending attempts; one message per probe
 * interval goes to Meta, and the first that gets through lifts the hold for every replica.
 */
@Injectable()
export class AccountHoldGate {
  private readonly logger = new Logger('AccountHold');

  /**
   * Tenants the store found on no hold lately. Holds last minutes to hours, so a hold another replica
   * starts is seen here within `CLEAR_FOR_MS`, for one Redis round trip a second per tenant instead of
   * one per message; a hold this replica starts is seen at once.
   */
  private readonly clear = growingLruCache<string, true>(100_000, { ttl: CLEAR_FOR_MS });

  constructor(
    private readonly store: AccountHoldStore,
    private readonly metrics: AccountHoldMetrics,
    private readonly config: WhatsappConfig,
  ) {}

  /**
   * Before the Meta call. Resolves `true` when this message is its held tenant's probe, `false` when
   * the tenant is not on hold; throws `ACCOUNT_ON_HOLD` when the message must wait.
   */
  async admit(tenantId: string, state: DeliveryState): Promise<boolean> {
    if (this.clear.has(tenantId)) return false;
    const admission = await this.store.admit(tenantId);
    if (admission.verdict === 'clear') {
      this.clear.set(tenantId, true);
      return false;
    }
    if (admission.verdict === 'probe') {
      this.logger.log({ event: 'account_hold_probe', errorCode: admission.hold.code, heldSince: iso(admission.hold.since) });
      return true;
    }
    throw waitBehind(admission.hold, admission.until, state);
  }

  /**
   * Meta refused the tenant's whole account: start the hold, or extend it with the latest refusal.
   * Answers the `ACCOUNT_ON_HOLD` refusal of this message, which waits for the next probe too.
   */
  async refused(tenantId: string, refusal: DeliveryError, state: DeliveryState, probe: boolean): Promise<DeliveryError> {
    this.clear.delete(tenantId);
    const probeIntervalMs = this.config.accountHold.probeMs ?? refusal.details.accountHoldProbeMs!;
    const { hold, started } = await this.store.hold(tenantId, {
      code: refusal.details.code ?? 'unknown',
      reason: refusal.message,
      probeIntervalMs,
    });
    const event = { errorCode: hold.code, reason: hold.reason, traceId: refusal.details.traceId, nextProbeAt: iso(hold.nextProbeAt) };
    if (started) {
      this.logger.warn({ event: 'account_hold_started', ...event, probeIntervalMs });
      this.metrics.recordTransition(tenantId, 'started');
    } else if (probe) {
      this.logger.warn({ event: 'account_hold_probe_refused', ...event, heldSince: iso(hold.since) });
    }
    return waitBehind(hold, hold.nextProbeAt, state);
  }

  /** A message of the tenant got through: if it was the probe, the account is usable again. */
  async succeeded(tenantId: string, probe: boolean): Promise<void> {
    if (!probe) return;
    const lifted = await this.store.lift(tenantId);
    if (!lifted) return;
    this.logger.log({
      event: 'account_hold_lifted',
      errorCode: lifted.code,
      heldSince: iso(lifted.since),
      heldForMs: Date.now() - lifted.since,
    });
    this.metrics.recordTransition(tenantId, 'lifted');
  }

  /** What a message that expired behind the tenant's hold was waiting for: the account's reason. */
  async holdBehind(tenantId: string): Promise<{ code: number | string; note: string } | undefined> {
    const hold = await this.store.get(tenantId);
    if (!hold) return undefined;
    return {
      code: hold.code,
      note: `while the tenant's WhatsApp account was on hold since ${iso(hold.since)} (Meta error ${hold.code}: ${hold.reason})`,
    };
  }
}

/** Waits until `until`, its 24 h bound or `MAX_HOLD_WAIT_MS` from now, whichever comes first. */
function waitBehind(hold: AccountHold, until: number, state: DeliveryState): DeliveryError {
  const now = Date.now();
  const latest = Math.min(until, state.firstSeenAt + WHATSAPP_OUTBOUND_QUEUE.messageTtlMs + 1, now + MAX_HOLD_WAIT_MS);
  return new DeliveryError(
    MetaCategory.ACCOUNT_ON_HOLD,
    `the tenant's WhatsApp account is on hold since ${iso(hold.since)} after Meta error ${hold.code}; next probe at ${iso(hold.nextProbeAt)}`,
    { code: hold.code, minRetryDelayMs: Math.max(0, latest - now), inTenantQueue: true },
  );
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
