import { Injectable, Logger } from '@nestjs/common';
import { CredentialsCache } from '@lib/credentials';
import { DeliveryState } from '@lib/messaging';
import { DeliveryError, DeliveryErrorCategory as Category, TenantRateLimiter } from '@lib/resilience';
import { WhatsappCredentials } from '../credentials/whatsapp-credentials';
import { MetaErrorClassifier } from '../meta/meta-error.classifier';
import { MetaGraphClient } from '../meta/meta-graph.client';
import { MetaTransportError } from '../meta/meta-transport.error';
import { OutboundEnvelope } from './envelope-parser';
import { MetaCallFailure } from './meta-call-failure';

/**
 * One delivery try: the tenant's credentials, the sender check, a rate-limit slot of the tenant's
 * phone number, then the Meta call, with one credential refresh on an auth error. Resolves with
 * Meta's 200 body; throws a `DeliveryError` (nothing was sent) or a `MetaCallFailure` (Meta refused).
 */
@Injectable()
export class MetaSender {
  private readonly logger = new Logger('MetaSender');

  constructor(
    private readonly credentials: CredentialsCache<WhatsappCredentials>,
    private readonly rateLimiter: TenantRateLimiter,
    private readonly meta: MetaGraphClient,
    private readonly classifier: MetaErrorClassifier,
  ) {}

  async send(envelope: OutboundEnvelope, state: DeliveryState): Promise<unknown> {
    const { tenantId, phoneNumberId } = envelope.metadata;
    let { credentials } = await this.credentials.get(tenantId);
    this.assertSender(tenantId, phoneNumberId, credentials);
    const slot = await this.rateLimiter.acquire(tenantId, phoneNumberId, credentials.rateLimits?.messagesPerSecond, state.slotAt);
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
        this.rateLimiter.recordSent(phoneNumberId);
        return result.body;
      }
      if (result.failure.error.details.ownPace) {
        await this.rateLimiter.recordOvershoot(phoneNumberId, sentAt, credentials.rateLimits?.messagesPerSecond);
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
      if (!(error instanceof MetaTransportError)) throw error;
      return { ok: false, failure: new MetaCallFailure(this.classifier.classifyTransportFailure(error).error) };
    }
  }
}
