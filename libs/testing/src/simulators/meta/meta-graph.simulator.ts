import { IncomingHttpHeaders } from 'node:http';
import { SeededRandom } from '../../random/seeded-random';
import { json, JsonHttpSimulator, JsonRequest, SimulatedAnswer } from '../json-http.simulator';
import { IssuedMessageIds } from './issued-message-ids';
import {
  META_ERROR_CATALOG,
  MetaErrorKey,
  metaErrorBody,
  metaErrorHeaders,
  MetaErrorSpec,
  unknownPathComponents,
} from './meta-error-catalog';
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

/**
 * A scripted failure: an error from the catalog, or a transport fault. Served only to a call that passed
 * every check; an error Meta reports only by webhook (`ASYNC_ONLY_ERRORS`) is answered 200 and recorded
 * in `asyncFailures`.
 */
export type InjectedFault = MetaErrorKey | 'timeout' | 'reset' | 'html-502';

export interface FaultRule {
  fault: InjectedFault;
  /** Only requests whose JSON body matches these top-level fields (e.g. `{ to }`) and phone number. */
  match?: { phoneNumberId?: string; to?: string; token?: string };
  /** How many matching requests fail; Infinity for all of them. */
  times: number;
}

/**
 * Faults drawn at random for every `/messages` call, as a degraded Graph API shows them. Rates are
 * shares of calls (0–1); the draws come from a seeded sequence, so a run can be replayed.
 */
export interface RandomFaultMode {
  /** Calls answered with a transient 5xx from the error catalog (131000, 2, 131016, 133004). */
  serverErrorRate: number;
  /** Calls never answered and never processed: the client times out and nothing was sent. */
  timeoutRate: number;
  /**
   * Calls processed (the message goes out) but answered only after `lateAnswerMs`, past the client's
   * timeout: the client cannot tell them from `timeoutRate` calls, and a retry sends the message again.
   */
  lateAcceptRate?: number;
  /** Delay of a late answer; set it above the client's timeout. Default 30 s. */
  lateAnswerMs?: number;
  seed: number;
}

/** The catalog's errors that Meta answers with HTTP 5xx and that a retry may cure. */
export const TRANSIENT_SERVER_ERRORS: readonly MetaErrorKey[] = ['131000', '2', '131016', '133004'];

export type RandomFault = 'server-error' | 'timeout' | 'late-accept';

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
  private readonly faults: FaultRule[] = [];
  private readonly pairLimiter = new SlidingWindowLimiter(PAIR_BURST, PAIR_WINDOW_MS);
  private readonly messageIds = new IssuedMessageIds();
  private randomFaults?: { mode: RandomFaultMode; random: SeededRandom };

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

  inject(fault: InjectedFault, options: { match?: FaultRule['match']; times?: number } = {}): void {
    this.faults.push({ fault, match: options.match, times: options.times ?? 1 });
  }

  clearFaults(): void {
    this.faults.length = 0;
    this.randomFaults = undefined;
  }

  /** From now on, every call may fail at random (after any scripted fault); `clearFaults()` ends it. */
  injectRandomFaults(mode: RandomFaultMode): void {
    const total = mode.serverErrorRate + mode.timeoutRate + (mode.lateAcceptRate ?? 0);
    if (total > 1 || [mode.serverErrorRate, mode.timeoutRate, mode.lateAcceptRate ?? 0].some((rate) => rate < 0)) {
      throw new Error(`random fault rates must be non-negative and add up to at most 1 (got ${total})`);
    }
    this.randomFaults = { mode, random: new SeededRandom(mode.seed) };
  }

  /** Accepted sends and read receipts, in the order Meta received them. */
  accepted(): RecordedRequest[] {
    return this.requests.filter((request) => request.status === 200);
  }

  protected answer(request: JsonRequest): SimulatedAnswer {
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
    const record: RecordedRequest = { phoneNumberId, version, headers: request.headers, body, status: 0, receivedAt: Date.now() };
    this.requests.push(record);

    // Graph routes the path before it reads the token: a version it does not serve is an unknown path.
    if (!this.apiVersions.includes(version)) return this.fail(record, unknownPathComponents(`/${phoneNumberId}/messages`));
    const refused = this.check(phoneNumberId, token, body) ?? this.limit(phoneNumberId, body);
    if (refused) return this.fail(record, refused);

    // Faults strike only calls Meta would have accepted, so a fault test cannot pass with a wrong token.
    const fault = this.takeFault(phoneNumberId, body, token);
    if (fault === 'timeout') return { kind: 'hang' };
    if (fault === 'reset') return { kind: 'reset' };
    if (fault === 'html-502') return this.settle(record, { kind: 'text', status: 502, body: '<html><body>502 Bad Gateway</body></html>' });
    if (fault && !ASYNC_ONLY_ERRORS.includes(fault)) return this.fail(record, META_ERROR_CATALOG[fault]);

    record.randomFault = fault ? undefined : this.drawRandomFault();
    if (record.randomFault === 'timeout') return { kind: 'hang' };
    if (record.randomFault === 'server-error')
      return this.fail(record, META_ERROR_CATALOG[this.randomFaults!.random.pick(TRANSIENT_SERVER_ERRORS)]);

    const answer = this.accept(record, body);
    if (fault) this.failLater(record, META_ERROR_CATALOG[fault]);
    if (record.randomFault !== 'late-accept') return answer;
    return { kind: 'late', afterMs: this.randomFaults!.mode.lateAnswerMs ?? 30_000, answer };
  }

  private drawRandomFault(): RandomFault | undefined {
    if (!this.randomFaults) return undefined;
    const { mode, random } = this.randomFaults;
    const draw = random.next();
    if (draw < mode.serverErrorRate) return 'server-error';
    if (draw < mode.serverErrorRate + mode.timeoutRate) return 'timeout';
    if (draw < mode.serverErrorRate + mode.timeoutRate + (mode.lateAcceptRate ?? 0)) return 'late-accept';
    return undefined;
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

  /** Per-number throughput, then the pair limit, keyed on the recipient's normalised wa_id. */
  private limit(phoneNumberId: string, body: { to?: unknown }): MetaErrorSpec | undefined {
    if (!this.numbers.get(phoneNumberId)!.limiter.tryTake(phoneNumberId)) return META_ERROR_CATALOG['130429'];
    if (typeof body.to === 'string' && !this.pairLimiter.tryTake(`${phoneNumberId}:${normalisedWaId(body.to)}`)) {
      return META_ERROR_CATALOG['131056'];
    }
    return undefined;
  }

  private accept(record: RecordedRequest, body: any): SimulatedAnswer {
    if (body.status === 'read') return this.settle(record, json(200, { success: true }));
    const wamid = this.messageIds.sent(record.phoneNumberId);
    record.wamid = wamid;
    return this.settle(
      record,
      json(200, {
        messaging_product: 'whatsapp',
        contacts: [{ input: body.to, wa_id: normalisedWaId(String(body.to)) }],
        messages: [{ id: wamid, ...(body.type === 'template' ? { message_status: 'accepted' } : {}) }],
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

  private takeFault(phoneNumberId: string, body: any, token: string | undefined): InjectedFault | undefined {
    const index = this.faults.findIndex(
      ({ match }) =>
        (!match?.phoneNumberId || match.phoneNumberId === phoneNumberId) &&
        (!match?.to || match.to === body?.to) &&
        (!match?.token || match.token === token),
    );
    if (index === -1) return undefined;
    const rule = this.faults[index];
    rule.times -= 1;
    if (rule.times <= 0) this.faults.splice(index, 1);
    return rule.fault;
  }
}
