import { Fault, FaultMatch, RandomFaultPlan } from '../fault-injector';
import { MetaErrorKey } from './meta-error-catalog';

/**
 * What the simulated Meta answers for an `error` fault: an error from the catalog, the HTML 502 of a
 * proxy in front of Graph, or an unusual 200 to a send. An error Meta reports only by webhook
 * (`ASYNC_ONLY_ERRORS`) is answered 200 and recorded in `asyncFailures`.
 */
export type MetaFaultError = MetaErrorKey | 'html-502' | OddAcceptance;

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

const ODD_ACCEPTANCES: ReadonlySet<string> = new Set<OddAcceptance>([
  'accepted-null-body',
  'accepted-without-messages',
  'accepted-paused',
  'accepted-held-for-quality-assessment',
]);

export const isOddAcceptance = (error: MetaFaultError): error is OddAcceptance => ODD_ACCEPTANCES.has(error);

/**
 * A scripted failure by name: an error (as above), a call never answered nor processed (`timeout`) or a
 * reset connection. Any fault of the shared injector (`late`, `latency`…) may be given as well.
 */
export type InjectedFault = MetaFaultError | 'timeout' | 'reset';

/** What scripted faults match on: the number called, the JSON body's `to`, the bearer token. */
export interface MetaFaultContext {
  phoneNumberId: string;
  to?: string;
  token?: string;
}

export type MetaFaultMatch = FaultMatch<MetaFaultContext>;

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

/** Which share of `RandomFaultMode` picked a call, as recorded on the request. */
export type RandomFault = 'server-error' | 'timeout' | 'late-accept';

export function scriptedFault(fault: InjectedFault | Fault<MetaFaultError>): Fault<MetaFaultError> {
  if (typeof fault !== 'string') return fault;
  return fault === 'timeout' || fault === 'reset' ? { kind: fault } : { kind: 'error', error: fault };
}

/** The mode as a plan of the shared injector; the order of the shares fixes the seeded sequence. */
export function randomFaultPlan(mode: RandomFaultMode): RandomFaultPlan<MetaFaultContext, MetaFaultError> {
  const shares: { label: RandomFault; rate: number; fault: Fault<MetaFaultError> | Fault<MetaFaultError>[] }[] = [
    { label: 'server-error', rate: mode.serverErrorRate, fault: TRANSIENT_SERVER_ERRORS.map((error) => ({ kind: 'error', error })) },
    { label: 'timeout', rate: mode.timeoutRate, fault: { kind: 'timeout' } },
    { label: 'late-accept', rate: mode.lateAcceptRate ?? 0, fault: { kind: 'late', afterMs: mode.lateAnswerMs ?? 30_000 } },
  ];
  return { seed: mode.seed, shares };
}
