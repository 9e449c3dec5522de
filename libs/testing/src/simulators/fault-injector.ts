import { SeededRandom } from '../random/seeded-random';

/**
 * What a vendor simulator does to a request instead of (or before) answering it normally:
 * - `error`: answers with the vendor's error `E` (the simulator renders it); the request is not processed;
 * - `timeout`: never answers and never processes (the client times out, nothing happened);
 * - `reset`: closes the connection without processing;
 * - `late`: processes the request, then answers only after `afterMs` (past the client's timeout, the
 *   client cannot tell it from a `timeout`, and a retry repeats the work);
 * - `latency`: waits `ms`, then processes and answers normally.
 */
export type Fault<E> =
  | { kind: 'error'; error: E }
  | { kind: 'timeout' }
  | { kind: 'reset' }
  | { kind: 'late'; afterMs: number }
  | { kind: 'latency'; ms: number };

/** Which requests a fault applies to: every given field equal (absent fields match anything), or a predicate. */
export type FaultMatch<C> = Partial<C> | ((context: C) => boolean);

export interface RandomFaultShare<E> {
  /** Share of matching requests (0–1) that get this fault. */
  rate: number;
  /** The fault, or faults picked among at random (from the same seeded sequence). */
  fault: Fault<E> | readonly Fault<E>[];
  /** Recorded with the drawn fault, e.g. `server-error`. */
  label?: string;
}

/** Faults drawn at random for every matching request; the seed makes a run replayable. */
export interface RandomFaultPlan<C, E> {
  seed: number;
  shares: readonly RandomFaultShare<E>[];
  match?: FaultMatch<C>;
}

export interface DrawnFault<E> {
  fault: Fault<E>;
  source: 'scripted' | 'random';
  label?: string;
}

interface ScriptedRule<C, E> {
  fault: Fault<E>;
  match?: FaultMatch<C>;
  times: number;
}

/**
 * Scripted and random faults for the vendor simulators, matched on the fields of a request context `C`
 * (region, integration, phone number, token…). Scripted rules come first, in the order added; random
 * plans draw one number per matching request, in the order added, and one more to pick among a share's
 * faults. The simulator decides where in its checks `take` is called and how an `error` is rendered.
 */
export class FaultInjector<C extends object, E> {
  private readonly scripted: ScriptedRule<C, E>[] = [];
  private readonly plans: { plan: RandomFaultPlan<C, E>; random: SeededRandom }[] = [];

  /** Fails the next `times` matching requests (1 by default; Infinity for all of them). */
  inject(fault: Fault<E>, options: { match?: FaultMatch<C>; times?: number } = {}): void {
    const times = options.times ?? 1;
    if (times !== Infinity && (!Number.isInteger(times) || times < 1)) {
      throw new Error(`times must be a positive integer or Infinity (got ${times})`);
    }
    checkFault(fault);
    this.scripted.push({ fault, match: options.match, times });
  }

  /** From now on, matching requests may fail at random (after any scripted fault); `clear()` ends it. */
  injectRandom(plan: RandomFaultPlan<C, E>): void {
    checkPlan(plan);
    this.plans.push({ plan, random: new SeededRandom(plan.seed) });
  }

  /** Like `injectRandom`, ending the random plans in force first; scripted rules stay, and a refused plan changes nothing. */
  replaceRandom(plan: RandomFaultPlan<C, E>): void {
    checkPlan(plan);
    this.plans.length = 0;
    this.plans.push({ plan, random: new SeededRandom(plan.seed) });
  }

  clear(): void {
    this.scripted.length = 0;
    this.plans.length = 0;
  }

  /** Scripted failures still to be served (Infinity when a rule fails every match). */
  get scriptedLeft(): number {
    return this.scripted.reduce((sum, rule) => sum + rule.times, 0);
  }

  /** The fault for this request, if any; a scripted rule's count goes down by one. */
  take(context: C): DrawnFault<E> | undefined {
    const index = this.scripted.findIndex((rule) => matches(rule.match, context));
    if (index !== -1) {
      const rule = this.scripted[index];
      rule.times -= 1;
      if (rule.times <= 0) this.scripted.splice(index, 1);
      return { fault: rule.fault, source: 'scripted' };
    }
    for (const { plan, random } of this.plans) {
      if (!matches(plan.match, context)) continue;
      const drawn = draw(plan, random);
      if (drawn) return drawn;
    }
    return undefined;
  }
}

function draw<C, E>(plan: RandomFaultPlan<C, E>, random: SeededRandom): DrawnFault<E> | undefined {
  const value = random.next();
  let threshold = 0;
  for (const share of plan.shares) {
    threshold += share.rate;
    if (value < threshold) return { fault: pick(faultsOf(share), random), source: 'random', label: share.label };
  }
  return undefined;
}

/** Only a choice among several faults takes a second number: the seeded runs of the fault suites rely on that sequence. */
function pick<E>(faults: readonly Fault<E>[], random: SeededRandom): Fault<E> {
  return faults.length === 1 ? faults[0] : random.pick(faults);
}

function faultsOf<E>(share: RandomFaultShare<E>): readonly Fault<E>[] {
  return isFaultList(share.fault) ? share.fault : [share.fault];
}

function isFaultList<E>(fault: Fault<E> | readonly Fault<E>[]): fault is readonly Fault<E>[] {
  return Array.isArray(fault);
}

function matches<C extends object>(match: FaultMatch<C> | undefined, context: C): boolean {
  if (!match) return true;
  if (typeof match === 'function') return match(context);
  return (Object.keys(match) as (keyof C)[]).every((field) => match[field] === undefined || match[field] === context[field]);
}

function checkPlan<C, E>(plan: RandomFaultPlan<C, E>): void {
  const rates = plan.shares.map((share) => share.rate);
  const total = rates.reduce((sum, rate) => sum + rate, 0);
  if (!(total <= 1) || rates.some((rate) => !(rate >= 0))) {
    throw new Error(`random fault rates must be non-negative and add up to at most 1 (got ${rates.join(' + ')})`);
  }
  for (const share of plan.shares) {
    const faults = faultsOf(share);
    if (faults.length === 0) throw new Error(`a random fault share needs at least one fault to pick (label ${share.label ?? 'none'})`);
    faults.forEach(checkFault);
  }
}

function checkFault<E>(fault: Fault<E>): void {
  const delay = fault.kind === 'late' ? fault.afterMs : fault.kind === 'latency' ? fault.ms : 0;
  if (!(delay >= 0) || !Number.isFinite(delay)) {
    throw new Error(`a ${fault.kind} fault's delay must be a non-negative number of milliseconds (got ${delay})`);
  }
}
