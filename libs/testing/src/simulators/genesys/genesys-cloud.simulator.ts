import { FaultInjector } from '../fault-injector';
import { json, JsonHttpSimulator, JsonRequest, SimulatedAnswer } from '../json-http.simulator';
import { GenesysConversations, SimulatedCustomer, SimulatedGenesysMessage } from './genesys-conversations';
import {
  genesysCorrelationId,
  GENESYS_ERRORS,
  GenesysError,
  genesysErrorBody,
  GenesysServerError,
  OAuthErrorBody,
  serverError,
  tooManyRequests,
} from './genesys-error-bodies';
import { GenesysOAuthRegistry, RegisteredClient, SimulatedGenesysClient } from './genesys-oauth.registry';
import { GenesysCloudSimulatorOptions, GenesysEndpoint, GenesysFaultContext, GenesysRecordedRequest } from './genesys-cloud.types';
import { GenesysRegion, isGenesysRegion } from '@lib/contracts';
import { EndpointAnswer, EndpointOutcome, EndpointRequest, OpenMessagingEndpoints } from './open-messaging.endpoints';
import { TokenRateLimiter } from './token-rate.limiter';

const LOGIN_PATH = /^\/login\/([^/]+)\/oauth\/token$/;
const API_PATH = /^\/api\/([^/]+)(\/api\/v2\/.*)$/;
const INBOUND_PATH = /^\/api\/v2\/conversations\/messages\/([^/]+)\/inbound\/open\/(message|receipt)$/;
const DETAILS_PATH = /^\/api\/v2\/conversations\/messages\/([^/]+)\/details$/;

/**
 * Genesys Cloud Open Messaging and its login, for every region at once, never kinder than the fact
 * sheet. One server serves each region `{region}` (a Genesys environment, e.g. `mypurecloud.de`) under
 * two prefixes standing for its two hosts:
 *
 *   login.{region}  →  {url}/login/{region}     POST /oauth/token
 *   api.{region}    →  {url}/api/{region}       POST /api/v2/conversations/messages/{integrationId}/inbound/open/message
 *                                               POST /api/v2/conversations/messages/{integrationId}/inbound/open/receipt
 *                                               GET  /api/v2/conversations/messages/{messageId}/details
 *
 * so a service configured with `loginUrlTemplate` / `apiUrlTemplate` (`…/login/{region}`, `…/api/{region}`)
 * reaches it. A region that is not a Genesys environment resets the connection, as an unresolvable host fails.
 * API requests pass, in order: bearer token of that region (401), 300 requests a minute per token (429 with
 * Retry-After), a JSON body (415/400), permission (403), the request model (400), integration (404), the
 * endpoint's own checks; only then may an injected fault (`faults`, per region, integration, client or
 * endpoint) replace or delay the answer. Logins likewise: client (401), grant (400), then faults. Every
 * request is recorded in `requests`.
 */
export class GenesysCloudSimulator extends JsonHttpSimulator {
  readonly requests: GenesysRecordedRequest[] = [];
  readonly faults = new FaultInjector<GenesysFaultContext, GenesysServerError>();
  private readonly oauth = new GenesysOAuthRegistry();
  private readonly conversations = new GenesysConversations();
  private readonly endpoints = new OpenMessagingEndpoints(this.conversations);
  private readonly limiter = new TokenRateLimiter();
  private readonly clock: () => number;

  constructor(options: GenesysCloudSimulatorOptions = {}) {
    super();
    this.clock = options.clock ?? Date.now;
  }

  get loginUrlTemplate(): string {
    return `${this.url}/login/{region}`;
  }

  get apiUrlTemplate(): string {
    return `${this.url}/api/{region}`;
  }

  loginUrl(region: GenesysRegion): string {
    return `${this.url}/login/${region}`;
  }

  apiUrl(region: GenesysRegion): string {
    return `${this.url}/api/${region}`;
  }

  /** How many look-ups of each message's details answer 404 before they resolve (details may lag, §1.3). */
  get detailsLagLookups(): number {
    return this.endpoints.detailsLagLookups;
  }

  set detailsLagLookups(lookups: number) {
    if (!Number.isInteger(lookups) || lookups < 0) throw new Error(`detailsLagLookups must be a non-negative integer (got ${lookups})`);
    this.endpoints.detailsLagLookups = lookups;
  }

  /**
   * Answer as Genesys did before `prefetchConversationId` was added (SDK 206, Platform API 8525): the
   * parameter is ignored and the answer never names the conversation, so a client has to look it up in
   * the message's details. Off by default.
   */
  get ignorePrefetchConversationId(): boolean {
    return this.endpoints.ignorePrefetchConversationId;
  }

  set ignorePrefetchConversationId(ignore: boolean) {
    this.endpoints.ignorePrefetchConversationId = ignore;
  }

  addClient(client: SimulatedGenesysClient): RegisteredClient {
    return this.oauth.addClient(client);
  }

  /** Ends the tokens issued so far (all, or a region's or client's), as their expiry would. */
  expireTokens(filter: { region?: GenesysRegion; clientId?: string } = {}): void {
    for (const token of this.oauth.expireTokens(filter)) this.limiter.forget(token);
  }

  revokeToken(token: string): void {
    this.oauth.revokeToken(token);
    this.limiter.forget(token);
  }

  /** The customer's open conversation on this integration, if any. */
  conversationOf(integrationId: string, customerId: string): string | undefined {
    return this.conversations.conversationOf(integrationId, customerId);
  }

  /** Ends a conversation, as an agent disconnecting it: the customer's next message opens a new one. */
  closeConversation(conversationId: string): void {
    if (!this.conversations.close(conversationId)) throw new Error(`conversation ${conversationId} is not open`);
  }

  /**
   * An agent's reply to a customer, as Genesys would post it to the integration's webhook; receipts
   * refer to its `id`.
   */
  sendAgentMessage(message: { integrationId: string; to: SimulatedCustomer; text: string }): Record<string, unknown> & { id: string } {
    if (!this.oauth.integrationRegion(message.integrationId)) throw new Error(`integration ${message.integrationId} is not registered`);
    const time = new Date(this.clock()).toISOString();
    const stored = this.conversations.addAgentMessage(message.integrationId, message.to, message.text, time);
    return { ...stored.normalized, id: stored.id };
  }

  /** Inbound messages answered 200, in the order Genesys got them. */
  accepted(): GenesysRecordedRequest[] {
    return this.requests.filter((request) => request.endpoint === 'message' && request.status === 200);
  }

  /** The customers' messages Genesys holds for an integration, in order. */
  messagesFor(integrationId: string): SimulatedGenesysMessage[] {
    return this.conversations.of(integrationId, 'inbound');
  }

  /** Receipts accepted for an agent's message, in order. */
  receiptsFor(messageId: string): Record<string, unknown>[] {
    return this.conversations.get(messageId)?.receipts ?? [];
  }

  /** Token requests naming a client (accepted or not): single-flight and caching show here. */
  tokenRequestsFor(clientId: string, region?: GenesysRegion): number {
    return this.requests.filter((r) => r.endpoint === 'token' && r.clientId === clientId && (!region || r.region === region)).length;
  }

  /** Tokens issued to a client. */
  tokensIssuedTo(clientId: string, region?: GenesysRegion): number {
    return this.requests.filter(
      (r) => r.endpoint === 'token' && r.clientId === clientId && r.status === 200 && (!region || r.region === region),
    ).length;
  }

  protected async answer(request: JsonRequest): Promise<SimulatedAnswer> {
    const login = LOGIN_PATH.exec(request.path);
    const api = API_PATH.exec(request.path);
    const record: GenesysRecordedRequest = {
      endpoint: login ? 'token' : 'unknown',
      method: request.method,
      path: request.path,
      query: request.query,
      // The login's Basic credentials hold the client secret: kept out of the record.
      headers: login && request.headers.authorization ? { ...request.headers, authorization: 'Basic [redacted]' } : request.headers,
      body: undefined,
      status: 0,
      correlationId: genesysCorrelationId(),
      receivedAt: this.clock(),
    };
    this.requests.push(record);
    if (!login && !api) return this.fail(record, GENESYS_ERRORS.routeNotFound);
    const region = decodePathSegment((login ?? api)![1]);
    if (region === undefined || !isGenesysRegion(region)) return { kind: 'reset' };
    record.region = region;
    return login ? this.token(record, request, region) : this.api(record, request, region, api![2]);
  }

  /** `POST /oauth/token`, client credentials only (§3.1): Basic auth, form body. */
  private async token(record: GenesysRecordedRequest, request: JsonRequest, region: GenesysRegion): Promise<SimulatedAnswer> {
    if (request.method !== 'POST') return this.fail(record, GENESYS_ERRORS.routeNotFound);
    const authentication = this.oauth.authenticate(region, request.headers.authorization);
    record.clientId = 'client' in authentication ? authentication.client.clientId : authentication.clientId;
    if (!('client' in authentication)) {
      return this.oauthError(record, 401, { error: 'invalid_client', error_description: authentication.description });
    }
    const isForm = /^application\/x-www-form-urlencoded\b/i.test(request.headers['content-type'] ?? '');
    const form = new URLSearchParams(isForm ? request.rawBody : '');
    form.delete('client_secret');
    record.body = Object.fromEntries(form);
    const grantType = form.get('grant_type');
    if (!grantType) {
      return this.oauthError(record, 400, { error: 'invalid_request', error_description: 'grant_type is required in a form-encoded body' });
    }
    if (grantType !== 'client_credentials') {
      return this.oauthError(record, 400, { error: 'unsupported_grant_type', error_description: 'only client_credentials is supported' });
    }
    const client = authentication.client;
    return this.serve(record, { region, endpoint: 'token', clientId: client.clientId }, () => ({
      status: 200,
      body: this.oauth.issue(client, this.clock()),
    }));
  }

  private async api(record: GenesysRecordedRequest, request: JsonRequest, region: GenesysRegion, path: string): Promise<SimulatedAnswer> {
    const inbound = request.method === 'POST' ? INBOUND_PATH.exec(path) : null;
    const details = request.method === 'GET' ? DETAILS_PATH.exec(path) : null;
    if (!inbound && !details) return this.fail(record, GENESYS_ERRORS.routeNotFound);
    const endpoint: GenesysEndpoint = details ? 'details' : (inbound![2] as 'message' | 'receipt');
    const pathId = decodePathSegment((inbound ?? details)![1]);
    if (pathId === undefined) return this.fail(record, GENESYS_ERRORS.routeNotFound);
    record.endpoint = endpoint;
    if (inbound) record.integrationId = pathId;

    const token = /^Bearer (\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (!token) return this.fail(record, GENESYS_ERRORS.noToken);
    const now = this.clock();
    const client = this.oauth.resolve(region, token, now);
    if (!client) return this.fail(record, GENESYS_ERRORS.badToken);
    record.clientId = client.clientId;
    const rate = this.limiter.take(token, client.requestsPerMinute, now);
    if (!rate.allowed) {
      const retryAfterS = Math.max(1, Math.ceil(rate.retryAfterMs / 1000));
      return this.fail(record, tooManyRequests(retryAfterS), { 'Retry-After': String(retryAfterS) });
    }

    let body: unknown;
    if (inbound) {
      if (!/^application\/json\b/i.test(request.headers['content-type'] ?? '')) return this.fail(record, GENESYS_ERRORS.notJson);
      try {
        body = JSON.parse(request.rawBody);
      } catch {
        return this.fail(record, GENESYS_ERRORS.malformedJson);
      }
      record.body = body;
    }
    const endpointRequest: EndpointRequest = { client, pathId, query: request.query, body };
    const outcome: EndpointOutcome =
      endpoint === 'message'
        ? this.endpoints.inboundMessage(endpointRequest)
        : endpoint === 'receipt'
          ? this.endpoints.inboundReceipt(endpointRequest)
          : this.endpoints.messageDetails(endpointRequest);
    record.integrationId = outcome.integrationId ?? record.integrationId;
    if ('error' in outcome) return this.fail(record, outcome.error);
    return this.serve(record, { region, endpoint, clientId: client.clientId, integrationId: outcome.integrationId }, outcome.commit);
  }

  /** A checked request: an injected fault may replace or delay its answer; otherwise `commit` makes its effect. */
  private async serve(
    record: GenesysRecordedRequest,
    context: GenesysFaultContext,
    commit: () => EndpointAnswer,
  ): Promise<SimulatedAnswer> {
    const drawn = this.faults.take(context);
    record.fault = drawn;
    const fault = drawn?.fault;
    if (fault?.kind === 'error') return this.fail(record, serverError(fault.error));
    if (fault?.kind === 'timeout') return { kind: 'hang' };
    if (fault?.kind === 'reset') return { kind: 'reset' };
    if (fault?.kind === 'latency') await new Promise((resolve) => setTimeout(resolve, fault.ms));
    const result = commit();
    Object.assign(record, { status: result.status, messageId: result.messageId, conversationId: result.conversationId });
    const answer = json(result.status, result.body, { 'ININ-Correlation-Id': record.correlationId });
    return fault?.kind === 'late' ? { kind: 'late', afterMs: fault.afterMs, answer } : answer;
  }

  private fail(record: GenesysRecordedRequest, error: GenesysError, headers: Record<string, string> = {}): SimulatedAnswer {
    record.status = error.status;
    record.errorCode = error.code;
    return json(error.status, genesysErrorBody(error, record.correlationId), { 'ININ-Correlation-Id': record.correlationId, ...headers });
  }

  private oauthError(record: GenesysRecordedRequest, status: 400 | 401, body: OAuthErrorBody): SimulatedAnswer {
    record.status = status;
    record.errorCode = body.error;
    // RFC 6749 §5.2: a 401 for a failed Basic authentication carries WWW-Authenticate.
    return json(status, body, status === 401 ? { 'WWW-Authenticate': 'Basic realm="oauth"' } : {});
  }
}

function decodePathSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
