import { Inject, Injectable, Logger } from '@nestjs/common';
import { AccessTokenCache, AccessTokenError, CredentialsCache } from '@lib/credentials';
import { assertWithinSendWindow, VendorCallFailure } from '@lib/delivery';
import { DeliveryState } from '@lib/messaging';
import { LogContext } from '@lib/observability';
import { CircuitBreakers, DeliveryError, DeliveryErrorCategory as Category, SharedPauses, TenantRateLimiter } from '@lib/resilience';
import { VendorTransportError } from '@lib/vendor-http';
import { GenesysCredentials } from '../credentials/genesys-credentials';
import { openMessageIdsOf } from '../genesys/genesys-answer.readers';
import { GenesysApiClient, GenesysApiResponse } from '../genesys/genesys-api.client';
import { GenesysCategory } from '../genesys/genesys-error-categories';
import { GenesysEndpoint, GenesysErrorClassifier } from '../genesys/genesys-error.classifier';
import { GenesysLogin } from '../genesys/genesys-login.client';
import { ConversationLookup } from './conversation-lookup.service';
import { GenesysReceipt } from './correlation-event.factory';
import { InboundMessageEnvelope, InboundReceiptEnvelope } from './inbound-envelope.types';
import { RateLimitPauseMetrics } from './rate-limit-pause.metrics';

/** The token cache of the tenants' OAuth clients, one token per tenant and region. */
export const GENESYS_TOKENS = Symbol('GENESYS_TOKENS');

/** A burst the tenant's token may spend at once when its record names none, before the per-minute pace applies. */
const DEFAULT_BURST_SIZE = 10;
const MINUTE_MS = 60_000;

type Sendable = InboundMessageEnvelope | InboundReceiptEnvelope;

/**
 * One Genesys call with what it needs first: the tenant's credentials, the integration check, the
 * tenant's pause (after a 429), a slot of its per-minute limit, the region's circuit breaker and the
 * tenant's token. Resolves with the ids Genesys answered; throws a `VendorCallFailure` (Genesys, or its
 * login, refused or did not answer) or a `DeliveryError` (nothing counted: no call, or a 429's pause).
 */
@Injectable()
export class GenesysSender {
  private readonly logger = new Logger('GenesysSender');

  constructor(
    private readonly credentials: CredentialsCache<GenesysCredentials>,
    @Inject(GENESYS_TOKENS) private readonly tokens: AccessTokenCache<GenesysLogin>,
    private readonly api: GenesysApiClient,
    private readonly classifier: GenesysErrorClassifier,
    private readonly regions: CircuitBreakers,
    private readonly rateLimiter: TenantRateLimiter,
    private readonly pauses: SharedPauses,
    private readonly conversations: ConversationLookup,
    private readonly pauseMetrics: RateLimitPauseMetrics,
  ) {}

  async send(envelope: Sendable, state: DeliveryState): Promise<GenesysReceipt> {
    const { tenantId } = envelope.metadata;
    const { credentials } = await this.credentials.get(tenantId);
    LogContext.bind({ region: credentials.region });
    this.assertIntegration(envelope, credentials);
    await this.waitOutPause(tenantId);
    await this.takeSlot(tenantId, credentials, state);
    return this.regions.execute(credentials.region, () => this.call(envelope, credentials, state));
  }

  /** A payload that names an integration must name the tenant's own: a message never goes into another tenant's Genesys. */
  private assertIntegration(envelope: Sendable, { integrationId }: GenesysCredentials): void {
    if (envelope.integrationId !== undefined && envelope.integrationId.toLowerCase() !== integrationId.toLowerCase()) {
      throw new DeliveryError(Category.TENANT_MISMATCH, `genesysPayload names integration ${envelope.integrationId}, not the tenant's`);
    }
  }

  /** After a 429 the tenant's token is spent until Genesys's `Retry-After`: its messages wait in its own delay queue until then. */
  private async waitOutPause(tenantId: string): Promise<void> {
    const until = await this.pauses.pausedUntil(tenantId);
    if (until === undefined) return;
    throw new DeliveryError(
      GenesysCategory.RATE_LIMITED_PAUSE,
      `Genesys asked to pause the tenant's requests until ${new Date(until).toISOString()}`,
      {
        minRetryDelayMs: until - Date.now(),
        inTenantQueue: true,
      },
    );
  }

  private async takeSlot(tenantId: string, { rateLimits }: GenesysCredentials, state: DeliveryState): Promise<void> {
    const limit = { count: rateLimits.requestsPerMinute, perMs: MINUTE_MS, burst: rateLimits.burstSize ?? DEFAULT_BURST_SIZE };
    const slot = await this.rateLimiter.acquire(tenantId, `genesys:${tenantId}`, limit, state.slotAt);
    state.slotAt = slot.granted ? undefined : slot.slotAt;
    if (!slot.granted) {
      throw new DeliveryError(Category.THROTTLED, `tenant '${tenantId}' is at its Genesys rate limit`, {
        slotAt: slot.slotAt,
        inTenantQueue: true,
      });
    }
  }

  private async call(envelope: Sendable, credentials: GenesysCredentials, state: DeliveryState): Promise<GenesysReceipt> {
    const { tenantId } = envelope.metadata;
    const { region, integrationId } = credentials;
    const login: GenesysLogin = { tenantId, region, clientId: credentials.clientId, clientSecret: credentials.clientSecret };
    const accessToken = await this.tokenFor(login);
    const endpoint: GenesysEndpoint = envelope.kind === 'message' ? 'message' : 'receipt';
    const call = { tenantId, region, integrationId, accessToken };
    let response: GenesysApiResponse;
    assertWithinSendWindow(state);
    try {
      response =
        envelope.kind === 'message'
          ? await this.api.sendInboundMessage({ ...call, body: envelope.message })
          : await this.api.sendReceipt({ ...call, body: envelope.receipt });
    } catch (error) {
      if (!(error instanceof VendorTransportError)) throw error;
      throw new VendorCallFailure(this.classifier.classifyTransportFailure(error));
    }
    if (response.status >= 200 && response.status < 300) {
      if (envelope.kind === 'receipt') return { genesysMessageId: null, conversationId: null, integrationId };
      return this.receiptOf(response, { ...call, tenantId });
    }
    // The refused token goes at once, so the pipeline's one retry fetches a fresh one.
    if (response.status === 401) this.tokens.invalidate(login, accessToken);
    const error = this.classifier.classifyResponse(response, endpoint);
    if (error.category !== GenesysCategory.RATE_LIMITED_PAUSE) throw new VendorCallFailure(error);
    const until = Date.now() + (error.details.minRetryDelayMs ?? 0);
    await this.pauses.pause(tenantId, until);
    this.pauseMetrics.recordPause(tenantId);
    this.logger.warn({
      event: 'tenant_paused',
      reason: error.message,
      until: new Date(until).toISOString(),
      traceId: error.details.traceId,
    });
    throw new DeliveryError(error.category, error.message, { ...error.details, inTenantQueue: true });
  }

  private async tokenFor(login: GenesysLogin): Promise<string> {
    try {
      return await this.tokens.get(login);
    } catch (error) {
      if (!(error instanceof AccessTokenError)) throw error;
      throw new VendorCallFailure(this.classifier.classifyTokenFailure(error));
    }
  }

  /** The message id Genesys gave and the conversation it landed in: prefetched, else looked up; never the message id. */
  private async receiptOf(
    response: GenesysApiResponse,
    call: { tenantId: string; region: GenesysCredentials['region']; integrationId: string; accessToken: string },
  ): Promise<GenesysReceipt> {
    const ids = openMessageIdsOf(response.body);
    const conversationId =
      ids?.conversationId ?? (ids ? await this.conversations.lookUp({ ...call, messageId: ids.messageId }) : undefined);
    return { genesysMessageId: ids?.messageId ?? null, conversationId: conversationId ?? null, integrationId: call.integrationId };
  }
}
