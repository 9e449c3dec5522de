import { randomBytes } from 'node:crypto';
import { IncomingHttpHeaders } from 'node:http';
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

/** A scripted failure: an error from the catalog, or a transport fault. */
export type InjectedFault = MetaErrorKey | 'timeout' | 'reset' | 'html-502';

export interface FaultRule {
  fault: InjectedFault;
  /** Only requests whose JSON body matches these top-level fields (e.g. `{ to }`) and phone number. */
  match?: { phoneNumberId?: string; to?: string; token?: string };
  /** How many matching requests fail; Infinity for all of them. */
  times: number;
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
  receivedAt: number;
}

const MESSAGES_PATH = /^\/(v\d+\.\d+)\/([^/]+)\/messages$/;
/** Pair rate limit: 1 message per 6 s to one user, with a burst of 45 (Meta's documented numbers). */
const PAIR_BURST = 45;
const PAIR_WINDOW_MS = 6_000 * PAIR_BURST;

/**
 * Meta's Cloud API `POST /{version}/{phone-number-id}/messages` on loopback: token and phone-number
 * checks (401/190, 400/100/33), body validation, per-number throughput (130429) and pair (131056)
 * limits, scripted faults from the documented error catalog, and a log of every request.
 */
export class MetaGraphSimulator extends JsonHttpSimulator {
  readonly requests: RecordedRequest[] = [];
  private readonly numbers = new Map<string, SimulatedPhoneNumber & { limiter: SlidingWindowLimiter }>();
  private readonly revokedTokens = new Set<string>();
  private readonly faults: FaultRule[] = [];
  private readonly pairLimiter = new SlidingWindowLimiter(PAIR_BURST, PAIR_WINDOW_MS);

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
  }

  /** Accepted sends and read receipts, in the order Meta received them. */
  accepted(): RecordedRequest[] {
    return this.requests.filter((request) => request.status === 200);
  }

  protected answer(request: JsonRequest): SimulatedAnswer {
    const path = MESSAGES_PATH.exec(request.path);
    if (request.method !== 'POST' || !path) {
      return json(400, { error: { message: `Unknown path components: ${request.path}`, type: 'OAuthException', code: 2500, fbtrace_id: 'A' } });
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
    if (fault) return this.fail(record, META_ERROR_CATALOG[fault]);

    const failure = this.check(phoneNumberId, token, body);
    if (failure) return this.fail(record, failure);
    return this.accept(record, body);
  }

  private check(phoneNumberId: string, token: string | undefined, body: unknown): MetaErrorSpec | undefined {
    if (!token) return { ...META_ERROR_CATALOG['190'], subcode: undefined, message: 'An active access token must be used to query information about the current user.' };
    if (this.revokedTokens.has(token)) return META_ERROR_CATALOG['190'];
    const number = this.numbers.get(phoneNumberId);
    const tokenKnown = [...this.numbers.values()].some((n) => n.accessTokens.includes(token));
    if (!tokenKnown) return { ...META_ERROR_CATALOG['190'], subcode: undefined, message: 'Invalid OAuth access token - Cannot parse access token' };
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

  private accept(record: RecordedRequest, body: any): SimulatedAnswer {
    if (body.status === 'read') return this.settle(record, json(200, { success: true }));
    const wamid = `wamid.${randomBytes(30).toString('base64url')}`;
    record.wamid = wamid;
    return this.settle(
      record,
      json(200, {
        messaging_product: 'whatsapp',
        contacts: [{ input: body.to, wa_id: String(body.to).replace(/\D/g, '') }],
        messages: [{ id: wamid, ...(body.type === 'template' ? { message_status: 'accepted' } : {}) }],
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
