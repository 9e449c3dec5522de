import { Injectable, Logger } from '@nestjs/common';
import { CredentialsCache } from '@lib/credentials';
import { DeliveryState } from '@lib/messaging';
import { DeliveryError, DeliveryErrorCategory as Category, TenantRateLimiter } from '@lib/resilience';
import { VendorTransportError } from '@lib/vendor-http';
import { WhatsappConfig } from '../config/whatsapp.config';
import { WhatsappCredentials } from '../credentials/whatsapp-credentials';
import { MetaErrorClassifier } from '../meta/meta-error.classifier';
import { MetaGraphClient } from '../meta/meta-graph.client';
import { AccountHoldGate } from './account-hold-gate.service';
import { OutboundEnvelope } from './envelope-parser';
import { MetaCallFailure } from './meta-call-failure';

/**
 * One delivery try: the tenant's credentials, the sender check (after one refresh on a mismatch), the
 * tenant's account hold (if Meta refused its whole account), a rate-limit slot of the tenant's phone
 * number, then the Meta call, with one credential refresh on an auth error. Resolves with Meta's 200
 * body; throws a `DeliveryError` (nothing was sent, or the account is on hold) or a `MetaCallFailure`
 * (Meta refused the message).
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

  async send(envelope: OutboundEnvelope, state: DeliveryState): Promise<unknown> {
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
    for (let refreshed = false; ; refreshed = true) {
      state.attempts += 1;
      const sentAt = Date.now();
      const result = await this.callMeta(tenantId, credentials, envelope.wabaPayload);
      if (result.ok) {
        this.rateLimiter.recordSent(rateLimitKey);
        await this.accountHolds.succeeded(tenantId, probe);
        return result.body;
      }
      if (result.failure.error.details.ownPace) {
        await this.rateLimiter.recordOvershoot(rateLimitKey, sentAt, rateLimit);
      }
      if (result.failure.error.details.accountHoldProbeMs !== undefined) {
        // A refused account is not this message's failure: the hold and the 24 h bound limit its tries, not the budget.
        state.attempts -= 1;
        throw await this.accountHolds.refused(tenantId, result.failure.error, state, probe);
      }
      if (result.failure.error.category !== Category.AUTH || refreshed) throw result.failure;
      this.credentials.invalidate(tenantId);
      this.logger.warn({
        event: 'credentials_refreshed',
        attempt: state.attempts,
        errorCode: result.failure.error.details.code,
        errorSubcode: result.failure.error.details.subcode,
      });
      ({ credentials } = await this.credentials.get(tenantId));
      this.assertSender(tenantId, phoneNumberId, credentials);
    }
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
  ): Promise<{ ok: true; body: unknown } | { ok: false; failure: MetaCallFailure }> {
    try {
      const response = await this.meta.sendMessage({
        tenantId,
        phoneNumberId: credentials.phoneNumberId,
        accessToken: credentials.systemUserAccessToken,
        body,
      });
      if (response.status >= 200 && response.status < 300) return { ok: true, body: response.body };
      const { error, attemptLimit } = this.classifier.classifyResponse(response.status, response.body);
      return { ok: false, failure: new MetaCallFailure(error, attemptLimit) };
    } catch (error) {
      if (!(error instanceof VendorTransportError)) throw error;
      return { ok: false, failure: new MetaCallFailure(this.classifier.classifyTransportFailure(error).error) };
    }
  }
}
