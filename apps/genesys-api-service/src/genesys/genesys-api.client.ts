import { Inject, Injectable } from '@nestjs/common';
import { VendorRequestBody, VendorResponse } from '@lib/vendor-http';
import { genesysContextIdOf } from './genesys-answer.readers';
import { GENESYS_CLIENT_OPTIONS, GenesysClientOptions } from './genesys-client.options';
import { GENESYS_API_HTTP, GenesysHttpClient } from './genesys-http.providers';
import { GenesysRegion } from '@lib/contracts';
import { GenesysUrls } from './genesys-urls';
import { OpenInboundNormalizedMessage, OpenInboundNormalizedReceipt } from './types/open-messaging.types';

/** What every Genesys API call names: whose token, for which region. */
export interface GenesysApiCall {
  tenantId: string;
  region: GenesysRegion;
  /** The tenant's bearer token for this region (from the token cache). */
  accessToken: string;
  /** Stops the call early, e.g. when the message's handling ran out of time. */
  signal?: AbortSignal;
}

export interface InboundMessageCall extends GenesysApiCall {
  integrationId: string;
  /** Sent as is: the caller maps upstream's shapes to the current request model first. */
  body: OpenInboundNormalizedMessage;
}

export interface InboundReceiptCall extends GenesysApiCall {
  integrationId: string;
  body: OpenInboundNormalizedReceipt;
}

export interface MessageDetailsCall extends GenesysApiCall {
  /** The Genesys message id (`id` of the inbound message's answer). */
  messageId: string;
}

/** Genesys's answer, whatever its status, with the id Genesys support traces the request by (for logs and dead letters). */
export interface GenesysApiResponse extends VendorResponse {
  contextId?: string;
}

const MESSAGES_PATH = '/api/v2/conversations/messages';

/**
 * Genesys Cloud's Open Messaging API, one method per endpoint. Stateless: the tenant's token and region
 * come with each call. Every HTTP answer is returned (the classifier reads statuses, error bodies and
 * `Retry-After`); a call without an answer throws a `VendorTransportError`, and a region that is not a
 * Genesys environment a `DeliveryError` before anything is sent.
 */
@Injectable()
export class GenesysApiClient {
  private readonly urls: GenesysUrls;

  constructor(
    @Inject(GENESYS_API_HTTP) private readonly http: GenesysHttpClient,
    @Inject(GENESYS_CLIENT_OPTIONS) options: GenesysClientOptions,
  ) {
    this.urls = new GenesysUrls(options);
  }

  /**
   * `POST …/{integrationId}/inbound/open/message?prefetchConversationId=true`: the answer's `id` is the
   * Genesys message id, and `conversationId` (asked for by the query) the conversation it landed in.
   */
  sendInboundMessage({ integrationId, body, ...call }: InboundMessageCall): Promise<GenesysApiResponse> {
    return this.request(call, 'POST', `${MESSAGES_PATH}/${pathId(integrationId)}/inbound/open/message?prefetchConversationId=true`, body);
  }

  /** `POST …/{integrationId}/inbound/open/receipt`: Genesys answers 202. */
  sendReceipt({ integrationId, body, ...call }: InboundReceiptCall): Promise<GenesysApiResponse> {
    return this.request(call, 'POST', `${MESSAGES_PATH}/${pathId(integrationId)}/inbound/open/receipt`, body);
  }

  /** `GET …/messages/{messageId}/details`: may answer 404 for a short while after the message was accepted. */
  messageDetails({ messageId, ...call }: MessageDetailsCall): Promise<GenesysApiResponse> {
    return this.request(call, 'GET', `${MESSAGES_PATH}/${pathId(messageId)}/details`);
  }

  private async request(call: GenesysApiCall, method: 'GET' | 'POST', path: string, body?: VendorRequestBody): Promise<GenesysApiResponse> {
    const response = await this.http.request({
      method,
      url: `${this.urls.api(call.region)}${path}`,
      headers: { authorization: `Bearer ${call.accessToken}`, accept: 'application/json' },
      body,
      signal: call.signal,
      tenantId: call.tenantId,
      labels: { region: call.region },
    });
    return { ...response, contextId: genesysContextIdOf(response) };
  }
}

/** One path segment: an id with a `/` or `?` in it must not reach another endpoint. */
function pathId(id: string): string {
  if (id.length === 0) throw new TypeError('a Genesys path id must not be empty');
  return encodeURIComponent(id);
}
