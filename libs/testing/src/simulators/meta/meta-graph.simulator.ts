import { IncomingHttpHeaders } from 'node:http';
import { Fault, FaultInjector } from '../fault-injector';
import { json, JsonHttpSimulator, JsonRequest, SimulatedAnswer } from '../json-http.simulator';
import { IssuedMessageIds } from './issued-message-ids';
import { META_ERROR_CATALOG, metaErrorBody, metaErrorHeaders, MetaErrorSpec, unknownPathComponents } from './meta-error-catalog';
import {
  InjectedFault,
  isOddAcceptance,
  MetaFaultContext,
  MetaFaultError,
  MetaFaultMatch,
  OddAcceptance,
  PACED_TEMPLATE_STATUS,
  RandomFault,
  RandomFaultMode,
  randomFaultPlan,
  scriptedFault,
} from './meta-faults';
import { validateMetaRequest } from './meta-request.validator';
import { ASYNC_ONLY_ERRORS, AsyncSendFailure, statusWebhookError } from './meta-status-webhook';
import { SlidingWindowLimiter } from './sliding-window.limiter';

export interface SimulatedPhoneNumber {
  phoneNumberId: string;
  /** Tokens allowed to send from this number. */
  accessTokens: string[];
  /** Meta's per-number throughput (80 by default, 1,000 after upgrade). */
  messagesPerSecond?: number;
}

export interface RecordedRequest {
  phoneNumberId: string;
  version: string;
  headers: IncomingHttpHeaders;
  body: any;
  status: number;
  /** WAMID of an accepted send. */
  wamid?: string;
  errorCode?: number;
  /** Set when the random fault mode picked this call. */
  randomFault?: RandomFault;
  receivedAt: number;
}

export interface MetaGraphSimulatorOptions {
  /** Graph API versions served; any other is refused as Graph refuses a path it cannot route. */
  apiVersions?: readonly string[];
}

/** The service's default version and the recent ones before it. */
export const DEFAULT_API_VERSIONS: readonly string[] = ['v26.0', 'v25.0', 'v24.0', 'v23.0'];

const MESSAGES_PATH = /^\/([^/]+)\/([^/]+)\/messages$/;
/** Pair rate limit: 1 message per 6 s to one user, with a burst of 45 (Meta's documented numbers). */
const PAIR_BURST = 45;
const PAIR_WINDOW_MS = 6_000 * PAIR_BURST;

/** The WhatsApp ID Meta derives from `to`: its digits (`+49 151-1234` and `491511234` are one user). */
export function normalisedWaId(to: string): string {
  return to.replace(/\D/g, '');
}

/**
 * Meta's Cloud API `POST /{version}/{phone-number-id}/messages` on loopback, never kinder than Meta:
 * version routing (400/2500), token and phone-number checks (401/190, 400/100/33), body validation
 * with Meta's documented limits, per-number throughput (130429) and pair (131056) limits, mark-as-read
 * of the messages a number received only (131009), then scripted and random (seeded) faults from the
 * documented error catalog, timeouts with and without the send having happened, failures Meta only
 * reports by webhook (`asyncFailures`), and a log of every request.
 */
export class MetaGraphSimulator extends JsonHttpSimulator {
  readonly requests: RecordedRequest[] = [];
  /** Sends answered 200 whose failure Meta reports later through the status webhook (131049, 131050). */
  readonly asyncFailures: AsyncSendFailure[] = [];
  /** Set before the service's first call; the sandbox sets the service's configured version. */
  apiVersions: readonly string[];
  private readonly numbers = new Map<string, SimulatedPhoneNumber & { limiter: SlidingWindowLimiter }>();
  private readonly revokedTokens = new Set<string>();
  private readonly faults = new FaultInjector<MetaFaultContext, MetaFaultError>();
  private readonly pairLimiter = new SlidingWindowLimiter(PAIR_BURST, PAIR_WINDOW_MS);
  private readonly messageIds = new IssuedMessageIds();

  constructor(options: MetaGraphSimulatorOptions = {}) {
    super();
    this.apiVersions = options.apiVersions ?? DEFAULT_API_VERSIONS;
  }

  addPhoneNumber(number: SimulatedPhoneNumber): void {
    this.numbers.set(number.phoneNumberId, {
      ...number,
      limiter: new SlidingWindowLimiter(number.messagesPerSecond ?? 80, 1_000),
    });
  }

  /**
   * A message a user sent to the number, as the `messages` webhook would deliver it; returns its WAMID,
   * which the number may then mark as read (for 30 days from `receivedAt`).
   */
  receiveUserMessage(phoneNumberId: string, _from: string, options: { wamid?: string; receivedAt?: number } = {}): string {
    return this.messageIds.received(phoneNumberId, options.wamid, options.receivedAt);
  }

  /** Tokens revoked here are answered with 190/463 (expired session). */
  revokeToken(token: string): void {
    this.revokedTokens.add(token);
  }

  restoreToken(token: string): void {
    this.revokedTokens.delete(token);
  }

  /** `fault` for the next `times` calls (default 1; Infinity for all) matching `match` that Meta would have accepted. */
  inject(fault: InjectedFault | Fault<MetaFaultError>, options: { match?: MetaFaultMatch; times?: number } = {}): void {
    this.faults.inject(scriptedFault(fault), options);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /**
   * From now on, every call may fail at random (after any scripted fault), replacing an earlier mode;
   * `clearFaults()` ends it.
   */
  injectRandomFaults(mode: RandomFaultMode): void {
    this.faults.replaceRandom(randomFaultPlan(mode));
  }

  /** Accepted sends and read receipts, in the order Meta received them. */
  accepted(): RecordedRequest[] {
    return this.requests.filter((request) => request.status === 200);
  }

  protected async answer(request: JsonRequest): Promise<SimulatedAnswer> {
    const path = MESSAGES_PATH.exec(request.path);
    if (request.method !== 'POST' || !path) {
      return json(400, metaErrorBody(unknownPathComponents(request.path)), metaErrorHeaders(unknownPathComponents(request.path)));
    }
    const [, version, phoneNumberId] = path;
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    let body: any;
    try {
      body = JSON.parse(request.rawBody);
    } catch {
      body = undefined;
    }
    const record: RecordedRequest = { phoneNumberId, version, headers: request.headers, body, status: 0, receivedAt: request.receivedAt };
    this.requests.push(record);

    // Graph routes the path before it reads the token: a version it does not serve is an unknown path.
    if (!this.apiVersions.includes(version)) return this.fail(record, unknownPathComponents(`/${phoneNumberId}/messages`));
    const refused = this.check(phoneNumberId, token, body) ?? this.limit(phoneNumberId, body, request.receivedAt);
    if (refused) return this.fail(record, refused);

    // Faults strike only calls Meta would have accepted, so a fault test cannot pass with a wrong token.
    const drawn = this.faults.take({ phoneNumberId, to: typeof body.to === 'string' ? body.to : undefined, token });
    if (drawn?.source === 'random') record.randomFault = drawn.label as RandomFault;
    const fault = drawn?.fault;
    if (fault?.kind === 'timeout') return { kind: 'hang' };
    if (fault?.kind === 'reset') return { kind: 'reset' };
    if (fault?.kind === 'error') return this.failWith(record, body, fault.error);
    if (fault?.kind === 'latency') await new Promise((resolve) => setTimeout(resolve, fault.ms));
    const answer = this.accept(record, body);
    return fault?.kind === 'late' ? { kind: 'late', afterMs: fault.afterMs, answer } : answer;
  }

  /** An injected error as Meta shows it: a catalog error, a proxy's HTML 502, or a send that fails later. */
  private failWith(record: RecordedRequest, body: any, error: MetaFaultError): SimulatedAnswer {
    if (error === 'html-502') return this.settle(record, { kind: 'text', status: 502, body: '<html><body>502 Bad Gateway</body></html>' });
    if (isOddAcceptance(error)) return this.accept(record, body, error);
    if (!ASYNC_ONLY_ERRORS.includes(error)) return this.fail(record, META_ERROR_CATALOG[error]);
    const answer = this.accept(record, body);
    this.failLater(record, META_ERROR_CATALOG[error]);
    return answer;
  }

  private check(phoneNumberId: string, token: string | undefined, body: unknown): MetaErrorSpec | undefined {
    if (!token)
      return {
        ...META_ERROR_CATALOG['190'],
        subcode: undefined,
        message: 'An active access token must be used to query information about the current user.',
      };
    if (this.revokedTokens.has(token)) return META_ERROR_CATALOG['190'];
    const number = this.numbers.get(phoneNumberId);
    const tokenKnown = [...this.numbers.values()].some((n) => n.accessTokens.includes(token));
    if (!tokenKnown)
      return { ...META_ERROR_CATALOG['190'], subcode: undefined, message: 'Invalid OAuth access token - Cannot parse access token' };
    if (!number || !number.accessTokens.includes(token)) {
      const spec = META_ERROR_CATALOG['100/33'];
      return { ...spec, message: spec.message.replace('000000000000000', phoneNumberId) };
    }
    const invalid = validateMetaRequest(body);
    if (invalid) return invalid;
    const { status, message_id: messageId } = body as { status?: string; message_id?: string };
    if (status === 'read' && !this.messageIds.canMarkRead(phoneNumberId, String(messageId))) return META_ERROR_CATALOG['131009'];
    return undefined;
  }

  /**
   * Per-number throughput, then the pair limit, keyed on the recipient's normalised wa_id. Counted at
   * arrival, as Meta counts: the simulated latency is the answer's way back, not the call's way in.
   */
  private limit(phoneNumberId: string, body: { to?: unknown }, receivedAt: number): MetaErrorSpec | undefined {
    if (!this.numbers.get(phoneNumberId)!.limiter.tryTake(phoneNumberId, receivedAt)) return META_ERROR_CATALOG['130429'];
    if (typeof body.to === 'string' && !this.pairLimiter.tryTake(`${phoneNumberId}:${normalisedWaId(body.to)}`, receivedAt)) {
      return META_ERROR_CATALOG['131056'];
    }
    return undefined;
  }

  private accept(record: RecordedRequest, body: any, odd?: OddAcceptance): SimulatedAnswer {
    if (body.status === 'read') return this.settle(record, json(200, { success: true }));
    const wamid = this.messageIds.sent(record.phoneNumberId);
    record.wamid = wamid;
    if (odd === 'accepted-null-body') return this.settle(record, json(200, null));
    if (odd === 'accepted-without-messages') return this.settle(record, json(200, { messaging_product: 'whatsapp' }));
    const messageStatus = (odd && PACED_TEMPLATE_STATUS[odd]) ?? 'accepted';
    return this.settle(
      record,
      json(200, {
        messaging_product: 'whatsapp',
        contacts: [{ input: body.to, wa_id: normalisedWaId(String(body.to)) }],
        messages: [{ id: wamid, ...(body.type === 'template' ? { message_status: messageStatus } : {}) }],
      }),
    );
  }

  private failLater(record: RecordedRequest, spec: MetaErrorSpec): void {
    this.asyncFailures.push({
      wamid: record.wamid!,
      phoneNumberId: record.phoneNumberId,
      recipientId: normalisedWaId(String(record.body.to)),
      error: statusWebhookError(spec),
    });
  }

  private fail(record: RecordedRequest, spec: MetaErrorSpec): SimulatedAnswer {
    record.errorCode = spec.code;
    return this.settle(record, json(spec.httpStatus, metaErrorBody(spec), metaErrorHeaders(spec)));
  }

  private settle(record: RecordedRequest, answer: SimulatedAnswer): SimulatedAnswer {
    record.status = answer.kind === 'json' || answer.kind === 'text' ? answer.status : 0;
    return answer;
  }
}
