import { SeededRandom } from '../../random/seeded-random';
import { MetaErrorKey } from './meta-error-catalog';

/**
 * A scripted failure: an error from the catalog, a transport fault, or an unusual 200 to a send. Served
 * only to a call that passed every check; an error Meta reports only by webhook (`ASYNC_ONLY_ERRORS`) is
 * answered 200 and recorded in `asyncFailures`.
 */
export type InjectedFault = MetaErrorKey | 'timeout' | 'reset' | 'html-502' | OddAcceptance;

/**
 * The send goes out (Meta counts it), but the 200 is not the usual body: `null`,
 * `{ "messaging_product": "whatsapp" }` alone, or, for a template whose sends Meta paces,
 * `messages[0].message_status` other than `accepted`.
 */
export type OddAcceptance = 'accepted-null-body' | 'accepted-without-messages' | 'accepted-paused' | 'accepted-held-for-quality-assessment';

/** `message_status` Meta gives a paced template's send. */
export const PACED_TEMPLATE_STATUS: Partial<Record<OddAcceptance, string>> = {
  'accepted-paused': 'paused',
  'accepted-held-for-quality-assessment': 'held_for_quality_assessment',
};

const ODD_ACCEPTANCES: ReadonlySet<InjectedFault> = new Set<OddAcceptance>([
  'accepted-null-body',
  'accepted-without-messages',
  'accepted-paused',
  'accepted-held-for-quality-assessment',
]);

export const isOddAcceptance = (fault: InjectedFault | undefined): fault is OddAcceptance =>
  fault !== undefined && ODD_ACCEPTANCES.has(fault);

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

/**
 * The scripted and random faults of the simulated Meta. Which calls they strike is the simulator's
 * business (only those Meta would have accepted); this holds the rules and the seeded draws.
 */
export class MetaFaultInjector {
  private readonly rules: FaultRule[] = [];
  private random?: { mode: RandomFaultMode; draws: SeededRandom };

  inject(fault: InjectedFault, options: { match?: FaultRule['match']; times?: number } = {}): void {
    this.rules.push({ fault, match: options.match, times: options.times ?? 1 });
  }

  injectRandom(mode: RandomFaultMode): void {
    const total = mode.serverErrorRate + mode.timeoutRate + (mode.lateAcceptRate ?? 0);
    if (total > 1 || [mode.serverErrorRate, mode.timeoutRate, mode.lateAcceptRate ?? 0].some((rate) => rate < 0)) {
      throw new Error(`random fault rates must be non-negative and add up to at most 1 (got ${total})`);
    }
    this.random = { mode, draws: new SeededRandom(mode.seed) };
  }

  clear(): void {
    this.rules.length = 0;
    this.random = undefined;
  }

  /** The first scripted fault matching the call, used up once. */
  take(phoneNumberId: string, to: unknown, token: string | undefined): InjectedFault | undefined {
    const index = this.rules.findIndex(
      ({ match }) =>
        (!match?.phoneNumberId || match.phoneNumberId === phoneNumberId) &&
        (!match?.to || match.to === to) &&
        (!match?.token || match.token === token),
    );
    if (index === -1) return undefined;
    const rule = this.rules[index];
    rule.times -= 1;
    if (rule.times <= 0) this.rules.splice(index, 1);
    return rule.fault;
  }

  /** The random fault of this call, if the random mode is on and picks one. */
  draw(): RandomFault | undefined {
    if (!this.random) return undefined;
    const { mode, draws } = this.random;
    const draw = draws.next();
    if (draw < mode.serverErrorRate) return 'server-error';
    if (draw < mode.serverErrorRate + mode.timeoutRate) return 'timeout';
    if (draw < mode.serverErrorRate + mode.timeoutRate + (mode.lateAcceptRate ?? 0)) return 'late-accept';
    return undefined;
  }

  serverError(): MetaErrorKey {
    return this.random!.draws.pick(TRANSIENT_SERVER_ERRORS);
  }

  lateAnswerMs(): number {
    return this.random?.mode.lateAnswerMs ?? 30_000;
  }
}
