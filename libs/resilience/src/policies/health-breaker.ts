import { CircuitBreakerPolicy, circuitBreaker, CircuitState, handleType, IPolicy, SamplingBreaker } from 'cockatiel';
import { DeliveryError } from '../errors/delivery-error';
import { nextStepFor } from '../errors/next-step';
import { ResilienceOptions } from '../resilience.options';
import { countsAgainstTenantHealth, outcomeError, UnhealthyOutcome } from './tenant-health';

/** What the work gave: its value, or the `DeliveryError` it threw (a classified answer, not a defect). */
type Settled<T> = { value: T } | { thrown: DeliveryError };

/** The share of unhealthy outcomes above which a breaker opens, unless `failureRate` says otherwise. */
const DEFAULT_FAILURE_RATE = 0.5;
/** How far back a breaker looks, unless `sampleWindowMs` says otherwise. */
const DEFAULT_SAMPLE_WINDOW_MS = 30_000;

type HealthBreakerOptions = Pick<ResilienceOptions, 'failureThreshold' | 'failureRate' | 'sampleWindowMs' | 'halfOpenAfterMs'>;

/**
 * A breaker that opens when, over the last `sampleWindowMs`, it saw at least `failureThreshold`
 * outcomes and more than `failureRate` of them were unhealthy (so a key whose every call fails opens
 * after `failureThreshold` of them); `halfOpenAfterMs` later it lets one call through: a healthy answer
 * closes it, an unhealthy one opens it again. cockatiel keeps the window in 1 s buckets and drops one
 * only when a later outcome moves the window past it, so a quiet key's earlier outcomes still count.
 *
 * A rate over time, not a run of consecutive failures: outcomes are counted as handlers finish, and a
 * failure's handling (release the claim, park for the retry) finishes later than a success's. Calls
 * made together then report their failures together, after the successes, so a key with one failure in
 * five saw runs of five "consecutive" failures in waves of concurrent calls and was shut for
 * `halfOpenAfterMs` while four calls in five went through.
 */
export function healthBreaker(options: HealthBreakerOptions): CircuitBreakerPolicy {
  const windowMs = options.sampleWindowMs ?? DEFAULT_SAMPLE_WINDOW_MS;
  return circuitBreaker(handleType(UnhealthyOutcome), {
    halfOpenAfter: options.halfOpenAfterMs,
    breaker: new SamplingBreaker({
      threshold: options.failureRate ?? DEFAULT_FAILURE_RATE,
      duration: windowMs,
      minimumRps: minimumRpsFor(options.failureThreshold, windowMs),
    }),
  });
}

/**
 * cockatiel asks for a rate, and compares the outcomes counted with it times its window (a whole
 * number of 1 s buckets, at least five): half an outcome below the threshold keeps float rounding
 * from asking for one outcome more.
 */
function minimumRpsFor(failureThreshold: number, windowMs: number): number {
  const buckets = Math.max(5, Math.ceil(windowMs / 1000));
  const sampledMs = Math.round(windowMs / buckets) * buckets;
  return ((failureThreshold - 0.5) * 1000) / sampledMs;
}

/**
 * Runs `work` through `policy` (`breaker`, or policies around it) and gives back exactly what the work
 * gave, returned or thrown. Inside, an unhealthy `DeliveryError` (`countsAgainstTenantHealth`),
 * carried by an outcome's `error` or thrown, becomes a failure the breaker counts; any other answer,
 * a permanent error included, is a success. Except for the half-open breaker's trial: one that made
 * no vendor call (its next step is `defer`: parked for a rate-limit turn, held, busy) says nothing of
 * the vendor's health and must not close the breaker, so it counts as a failure and the breaker waits
 * for another trial. Other errors (defects) pass through uncounted.
 */
export async function executeCountingHealth<T>(
  policy: IPolicy,
  work: () => Promise<T>,
  breaker: CircuitBreakerPolicy | undefined,
): Promise<T> {
  let settled: Settled<T>;
  try {
    settled = await policy.execute(async () => {
      // Work runs in a breaker that is not closed only as its half-open trial (cockatiel starts the trial before it says half-open).
      const trial = breaker !== undefined && breaker.state !== CircuitState.Closed;
      const result = await settle(work);
      const error = 'thrown' in result ? result.thrown : outcomeError(result.value);
      if (error && (countsAgainstTenantHealth(error) || (trial && nextStepFor(error.category) === 'defer')))
        throw new UnhealthyOutcome(result);
      return result;
    });
  } catch (error) {
    if (!(error instanceof UnhealthyOutcome)) throw error;
    settled = (error as UnhealthyOutcome<Settled<T>>).outcome;
  }
  if ('thrown' in settled) throw settled.thrown;
  return settled.value;
}

async function settle<T>(work: () => Promise<T>): Promise<Settled<T>> {
  try {
    return { value: await work() };
  } catch (error) {
    if (error instanceof DeliveryError) return { thrown: error };
    throw error;
  }
}
