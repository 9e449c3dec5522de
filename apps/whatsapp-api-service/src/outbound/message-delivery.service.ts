import { Injectable, Logger } from '@nestjs/common';
import { CredentialsCache } from '@lib/credentials';
import { DeliveryOutcome, DeliveryState, OutcomeContext, readDeliveryState } from '@lib/messaging';
import { DeliveryMetrics } from '@lib/observability';
import { DeliveryError, DeliveryErrorCategory as Category, nextStepFor, retryDelay } from '@lib/resilience';
import { ConsumeMessage } from 'amqplib';
import { WhatsappConfig } from '../config/whatsapp.config';
import { WhatsappCredentials } from '../credentials/whatsapp-credentials';
import { MetaErrorClassifier } from '../meta/meta-error.classifier';
import { MetaGraphClient } from '../meta/meta-graph.client';
import { MetaTransportError } from '../meta/meta-transport.error';
import { MetaSendResponse } from '../meta/types/meta-graph.types';
import { EnvelopeParser, OutboundEnvelope } from './envelope-parser';
import { MetaCallFailure } from './meta-call-failure';
import { TENANT_ID_PATTERN } from './outbound-envelope.dto';
import { OUTBOUND_QUEUE } from './outbound-topology';
import { failedEvent, identityOf, sentEvent } from './status-event.factory';

/**
 * Takes one consumed message to its outcome: parse, fetch the tenant's credentials, call Meta (with
 * one credential refresh on an auth error), and decide between sent, retry later and dead-letter.
 * Never throws: even a defect becomes a dead-letter outcome with its reason.
 */
@Injectable()
export class MessageDeliveryService {
  private readonly logger = new Logger('Delivery');

  constructor(
    private readonly parser: EnvelopeParser,
    private readonly credentials: CredentialsCache<WhatsappCredentials>,
    private readonly meta: MetaGraphClient,
    private readonly classifier: MetaErrorClassifier,
    private readonly metrics: DeliveryMetrics,
    private readonly config: WhatsappConfig,
  ) {}

  async deliver(raw: Buffer, message: ConsumeMessage): Promise<DeliveryOutcome> {
    const state = readDeliveryState(message);
    const parsed = this.parser.parse(raw);
    if (!parsed.ok) {
      const context: OutcomeContext = { tenantId: parsed.tenantId, internalId: parsed.internalId, messageType: 'unknown', state };
      const error = new DeliveryError(Category.INVALID_ENVELOPE, parsed.reason);
      this.metrics.recordConsumed(parsed.tenantId, 'unknown');
      const routable = parsed.tenantId && TENANT_ID_PATTERN.test(parsed.tenantId) && parsed.internalId;
      const event = routable ? failedEvent({ tenantId: parsed.tenantId!, internalId: parsed.internalId! }, error, 0) : undefined;
      return { kind: 'dead-letter', context, error, event };
    }
    const { envelope } = parsed;
    const context: OutcomeContext = {
      tenantId: envelope.metadata.tenantId,
      internalId: envelope.metadata.internalId,
      messageType: envelope.messageType,
      state,
    };
    this.metrics.recordConsumed(context.tenantId, context.messageType);
    try {
      return await this.attempt(envelope, context);
    } catch (error) {
      this.logger.error({ event: 'delivery_defect', tenantId: context.tenantId, internalId: context.internalId, err: error });
      return this.deadLetter(envelope, context, new DeliveryError(Category.INTERNAL_ERROR, `unexpected error: ${(error as Error).message}`));
    }
  }

  private async attempt(envelope: OutboundEnvelope, context: OutcomeContext): Promise<DeliveryOutcome> {
    const ageMs = Date.now() - context.state.firstSeenAt;
    if (ageMs > OUTBOUND_QUEUE.messageTtlMs) {
      const error = new DeliveryError(Category.MESSAGE_EXPIRED, `message first seen ${Math.round(ageMs / 60000)} minutes ago, beyond the 24 h limit`);
      return this.deadLetter(envelope, context, error);
    }
    const startedAt = performance.now();
    try {
      const response = await this.sendWithCredentialRefresh(envelope, context.state);
      const wamid = (response as MetaSendResponse).messages?.[0]?.id ?? null;
      this.logger.log({
        event: 'message_sent',
        tenantId: context.tenantId,
        internalId: context.internalId,
        correlationId: envelope.metadata.correlationId,
        wamid,
        attempt: context.state.attempts,
        durationMs: Math.round(performance.now() - startedAt),
      });
      return { kind: 'delivered', context, event: sentEvent(identityOf(envelope), wamid, context.state.attempts) };
    } catch (error) {
      if (error instanceof MetaCallFailure) return this.afterFailure(envelope, context, error.error, error.attemptLimit);
      if (error instanceof DeliveryError) return this.afterFailure(envelope, context, error);
      throw error;
    }
  }

  /** Calls Meta; on a first auth error drops the cached token and tries once more with a fresh one. */
  private async sendWithCredentialRefresh(envelope: OutboundEnvelope, state: DeliveryState): Promise<unknown> {
    const { tenantId, phoneNumberId } = envelope.metadata;
    for (let refreshed = false; ; refreshed = true) {
      const { credentials } = await this.credentials.get(tenantId);
      if (credentials.phoneNumberId !== phoneNumberId) {
        throw new DeliveryError(Category.TENANT_MISMATCH, `metadata.phoneNumberId ${phoneNumberId} is not the phone number of tenant '${tenantId}'`);
      }
      state.attempts += 1;
      const result = await this.callMeta(tenantId, credentials, envelope.wabaPayload);
      if (result.ok) return result.body;
      if (result.failure.error.category !== Category.AUTH || refreshed) throw result.failure;
      this.credentials.invalidate(tenantId);
      this.logger.warn({
        event: 'credentials_refreshed',
        tenantId,
        internalId: envelope.metadata.internalId,
        errorCode: result.failure.error.details.code,
        errorSubcode: result.failure.error.details.subcode,
      });
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

  private afterFailure(envelope: OutboundEnvelope, context: OutcomeContext, error: DeliveryError, attemptLimit?: number): DeliveryOutcome {
    const { state } = context;
    const { retry } = this.config;
    switch (nextStepFor(error.category)) {
      case 'retry': {
        const allowed = Math.min(retry.maxAttempts, attemptLimit ?? Infinity);
        if (state.attempts >= allowed) {
          const exhausted = new DeliveryError(
            Category.RETRIES_EXHAUSTED,
            `gave up after ${state.attempts} Meta call(s); last error ${error.category}: ${error.message}`,
            error.details,
          );
          return this.deadLetter(envelope, context, exhausted);
        }
        return { kind: 'retry', context, error, delay: retryDelay(state.attempts, retry, error.details.minRetryDelayMs) };
      }
      case 'defer':
        state.deferrals += 1;
        return { kind: 'retry', context, error, delay: retryDelay(state.deferrals, retry) };
      case 'refresh-credentials':
        return this.deadLetter(envelope, context, new DeliveryError(error.category, `token refused again after a credential refresh: ${error.message}`, error.details));
      case 'dead-letter':
        return this.deadLetter(envelope, context, error);
    }
  }

  private deadLetter(envelope: OutboundEnvelope, context: OutcomeContext, error: DeliveryError): DeliveryOutcome {
    return { kind: 'dead-letter', context, error, event: failedEvent(identityOf(envelope), error, context.state.attempts) };
  }
}
