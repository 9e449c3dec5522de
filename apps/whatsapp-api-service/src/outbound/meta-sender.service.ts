import { Injectable, Logger } from '@nestjs/common';
import { CredentialsCache } from '@lib/credentials';
import { assertWithinSendWindow, VendorCallFailure } from '@lib/delivery';
import { DeliveryState } from '@lib/messaging';
import { DeliveryError, DeliveryErrorCategory as Category, TenantRateLimiter } from '@lib/resilience';
import { VendorTransportError } from '@lib/vendor-http';
import { WhatsappConfig } from '../config/whatsapp.config';
import { WhatsappCredentials } from '../credentials/whatsapp-credentials';
import { MetaErrorClassifier } from '../meta/meta-error.classifier';
import { MetaGraphClient } from '../meta/meta-graph.client';
import { MetaSendReceipt, sendReceiptOf } from '../meta/meta-send-receipt';
import { AccountHoldGate } from './account-hold-gate.service';
import { OutboundEnvelope } from './envelope-parser';
import { MARK_AS_READ } from './payload-validation/waba-payload.validator';

/**
 * One Meta call with what it needs first: the tenant's credentials, the sender check (after one
 * refresh on a mismatch), the tenant's account hold (if Meta refused its whole account), a rate-limit
 * slot of the tenant's phone number. Resolves with the receipt of Meta's 2xx; throws a
 * `VendorCallFailure` (Meta refused the message) or a `DeliveryError` (nothing counted as sent: no call
 * was made, or the account is on hold).
 */
@Injectable()
export class MetaSender {
  private readonly logger = new Logger('MetaSender');

  constructor(
    private readonly credentials: CredentialsCache<WhatsappCredentials>,
    private readonly rateLimiter: TenantRateLimiter,
    private readonly meta: MetaGraphClient,
    private readonly classifier: MetaErrorClassifier,
    private readonly accountHolds: AccountHoldGate,
    private readonly config: WhatsappConfig,
  ) {}

  async send(envelope: OutboundEnvelope, state: DeliveryState): Promise<MetaSendReceipt> {
    const { tenantId, phoneNumberId } = envelope.metadata;
    let { credentials } = await this.credentials.get(tenantId);
    if (credentials.phoneNumberId !== phoneNumberId) credentials = await this.refreshAfterMismatch(tenantId, phoneNumberId);
    this.assertSender(tenantId, phoneNumberId, credentials);
    const probe = await this.accountHolds.admit(tenantId, state);
    // Meta counts each number's messages over a sliding second, with no burst beyond the limit.
    const rateLimitKey = `meta:${phoneNumberId}`;
    const rateLimit = { count: credentials.rateLimits?.messagesPerSecond ?? this.config.sharedState.defaultMessagesPerSecond, perMs: 1000 };
    const slot = await this.rateLimiter.acquire(tenantId, rateLimitKey, rateLimit, state.slotAt);
    state.slotAt = slot.granted ? undefined : slot.slotAt;
    if (!slot.granted) {
      throw new DeliveryError(Category.THROTTLED, `phone number ${phoneNumberId} is at its rate limit`, {
        slotAt: slot.slotAt,
        inTenantQueue: true,
      });
    }
    assertWithinSendWindow(state);
    const sentAt = Date.now();
    const result = await this.callMeta(tenantId, credentials, envelope.wabaPayload);
    if (result.ok) {
      this.rateLimiter.recordSent(rateLimitKey);
      await this.accountHolds.succeeded(tenantId, probe);
      return sendReceiptOf(result.body, envelope.messageType !== MARK_AS_READ);
    }
    const error = result.failure;
    if (error.details.ownPace) await this.rateLimiter.recordOvershoot(rateLimitKey, sentAt, rateLimit);
    // A refused account is not this message's failure: the hold and the age limit bound its tries, not the budget.
    if (error.details.accountHoldProbeMs !== undefined) throw await this.accountHolds.refused(tenantId, error, state, probe);
    throw result.failure;
  }

  /**
   * The tenant may have changed its number since its credentials were cached: ask the tenant service
   * again before refusing. The cache refreshes a tenant at most once per short interval, so a flood of
   * mismatching messages costs one request.
   */
  private async refreshAfterMismatch(tenantId: string, phoneNumberId: string): Promise<WhatsappCredentials> {
    const { credentials, refreshed } = await this.credentials.refresh(tenantId);
    if (refreshed && credentials.phoneNumberId === phoneNumberId) {
      this.logger.log({ event: 'credentials_refreshed', reason: 'phone_number_changed' });
    }
    return credentials;
  }

  /** One tenant's message must never leave through another tenant's number. */
  private assertSender(tenantId: string, phoneNumberId: string, credentials: WhatsappCredentials): void {
    if (credentials.phoneNumberId !== phoneNumberId) {
      throw new DeliveryError(
        Category.TENANT_MISMATCH,
        `metadata.phoneNumberId ${phoneNumberId} is not the phone number of tenant '${tenantId}'`,
      );
    }
  }

  private async callMeta(
    tenantId: string,
    credentials: WhatsappCredentials,
    body: Record<string, unknown>,
  ): Promise<{ ok: true; body: unknown } | { ok: false; failure: VendorCallFailure }> {
    try {
      const response = await this.meta.sendMessage({
        tenantId,
        phoneNumberId: credentials.phoneNumberId,
        accessToken: credentials.systemUserAccessToken,
        body,
      });
      if (response.status >= 200 && response.status < 300) return { ok: true, body: response.body };
      const { error, attemptLimit } = this.classifier.classifyResponse(response.status, response.body);
      return { ok: false, failure: new VendorCallFailure(error, attemptLimit) };
    } catch (error) {
      if (!(error instanceof VendorTransportError)) throw error;
      return { ok: false, failure: new VendorCallFailure(this.classifier.classifyTransportFailure(error).error) };
    }
  }
}
