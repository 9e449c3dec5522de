import { randomBytes } from 'node:crypto';
import { IncomingHttpHeaders } from 'node:http';
import { SeededRandom } from '../../random/seeded-random';
import { json, JsonHttpSimulator, JsonRequest, SimulatedAnswer } from '../json-http.simulator';
import { META_ERROR_CATALOG, MetaErrorKey, metaErrorBody, metaErrorHeaders, MetaErrorSpec } from './meta-error-catalog';
import { validateMetaRequest } from './meta-request.validator';
import { SlidingWindowLimiter } from './sliding-window.limiter';

export interface SimulatedPhoneNumber {
  phoneNumberId: string;
  /** Tokens allowed to send from this number. */
  accessTokens: string[];
  /** Meta's per-number throughput (80 by default, 1,000 after upgrade). */
  messagesPerSecond?: number;
}

/** A scripted failure: an error from the catalog, a transport fault, or an unusual 200 to a send. */
export type InjectedFault = MetaErrorKey | 'timeout' | 'reset' | 'html-502' | OddAcceptance;

/**
 * The send goes out (Meta counts it), but the 200 is not the usual body: `null`,
 * `{ "messaging_product": "whatsapp" }` alone, or, for a template whose sends Meta paces,
 * `messages[0].message_status` other than `accepted`. Like a fault, it is used up by the next matching call,
 * even one Meta then refuses (a bad token, the number's throughput).
 */
export type OddAcceptance = 'accepted-null-body' | 'accepted-without-messages' | 'accepted-paused' | 'accepted-held-for-quality-assessment';

const ODD_ACCEPTANCES: ReadonlySet<InjectedFault> = new Set<OddAcceptance>([
  'accepted-null-body',
  'accepted-without-messages',
  'accepted-paused',
  'accepted-held-for-quality-assessment',
]);
/** `message_status` Meta gives a paced template's send; `accepted` for every other template send. */
const PACED_TEMPLATE_STATUS: Partial<Record<OddAcceptance, string>> = {
  'accepted-paused': 'paused',
  'accepted-held-for-quality-assessment': 'held_for_quality_assessment',
};
const isOddAcceptance = (fault: InjectedFault | undefined): fault is OddAcceptance => fault !== undefined && ODD_ACCEPTANCES.has(fault);

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

const MESSAGES_PATH = /^\/(v\d+\.\d+)\/([^/]+)\/messages$/;
/** Pair rate limit: 1 message per 6 s to one user, with a burst of 45 (Meta's documented numbers). */
const PAIR_BURST = 45;
const PAIR_WINDOW_MS = 6_000 * PAIR_BURST;

/**
 * Meta's Cloud API `POST /{version}/{phone-number-id}/messages` on loopback: token and phone-number
 * checks (401/190, 400/100/33), body validation, per-number throughput (130429) and pair (131056)
 * limits, scripted and random (seeded) faults from the documented error catalog, timeouts with and
 * without the send having happened, and a log of every request.
 */
export class MetaGraphSimulator extends JsonHttpSimulator {
  readonly requests: RecordedRequest[] = [];
  private readonly numbers = new Map<string, SimulatedPhoneNumber & { limiter: SlidingWindowLimiter }>();
  private readonly revokedTokens = new Set<string>();
  private readonly faults: FaultRule[] = [];
  private readonly pairLimiter = new SlidingWindowLimiter(PAIR_BURST, PAIR_WINDOW_MS);
  private randomFaults?: { mode: RandomFaultMode; random: SeededRandom };

  addPhoneNumber(number: SimulatedPhoneNumber): void {
    this.numbers.set(number.phoneNumberId, {
      ...number,
      limiter: new SlidingWindowLimiter(number.messagesPerSecond ?? 80, 1_000),
    });
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
      return json(400, {
        error: { message: `Unknown path components: ${request.path}`, type: 'OAuthException', code: 2500, fbtrace_id: 'A' },
      });
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

    const fault = this.takeFault(phoneNumberId, body, token);
    if (fault === 'timeout') return { kind: 'hang' };
    if (fault === 'reset') return { kind: 'reset' };
    if (fault === 'html-502') return this.settle(record, { kind: 'text', status: 502, body: '<html><body>502 Bad Gateway</body></html>' });
    if (fault && !isOddAcceptance(fault)) return this.fail(record, META_ERROR_CATALOG[fault]);

    record.randomFault = this.drawRandomFault();
    if (record.randomFault === 'timeout') return { kind: 'hang' };
    if (record.randomFault === 'server-error')
      return this.fail(record, META_ERROR_CATALOG[this.randomFaults!.random.pick(TRANSIENT_SERVER_ERRORS)]);

    const failure = this.check(phoneNumberId, token, body);
    if (failure) return this.fail(record, failure);
    const answer = this.accept(record, body, isOddAcceptance(fault) ? fault : undefined);
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
    if (!number.limiter.tryTake(phoneNumberId)) return META_ERROR_CATALOG['130429'];
    const to = (body as { to?: string }).to;
    if (to && !this.pairLimiter.tryTake(`${phoneNumberId}:${to}`)) return META_ERROR_CATALOG['131056'];
    return undefined;
  }

  private accept(record: RecordedRequest, body: any, odd?: OddAcceptance): SimulatedAnswer {
    if (body.status === 'read') return this.settle(record, json(200, { success: true }));
    const wamid = `wamid.${randomBytes(30).toString('base64url')}`;
    record.wamid = wamid;
    if (odd === 'accepted-null-body') return this.settle(record, json(200, null));
    if (odd === 'accepted-without-messages') return this.settle(record, json(200, { messaging_product: 'whatsapp' }));
    const messageStatus = (odd && PACED_TEMPLATE_STATUS[odd]) ?? 'accepted';
    return this.settle(
      record,
      json(200, {
        messaging_product: 'whatsapp',
        contacts: [{ input: body.to, wa_id: String(body.to).replace(/\D/g, '') }],
        messages: [{ id: wamid, ...(body.type === 'template' ? { message_status: messageStatus } : {}) }],
      }),
    );
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
