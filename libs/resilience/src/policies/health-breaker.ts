import { CircuitBreakerPolicy, circuitBreaker, CircuitState, ConsecutiveBreaker, handleType, IPolicy } from 'cockatiel';
import { DeliveryError } from '../errors/delivery-error';
import { nextStepFor } from '../errors/next-step';
import { ResilienceOptions } from '../resilience.options';
import { countsAgainstTenantHealth, outcomeError, UnhealthyOutcome } from './tenant-health';

/** What the work gave: its value, or the `DeliveryError` it threw (a classified answer, not a defect). */
type Settled<T> = { value: T } | { thrown: DeliveryError };

/**
 * A breaker that opens after `failureThreshold` consecutive unhealthy outcomes and, `halfOpenAfterMs`
 * later, lets one call through: a healthy answer closes it, an unhealthy one opens it again.
 */
export function healthBreaker(options: Pick<ResilienceOptions, 'failureThreshold' | 'halfOpenAfterMs'>): CircuitBreakerPolicy {
  return circuitBreaker(handleType(UnhealthyOutcome), {
    halfOpenAfter: options.halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(options.failureThreshold),
  });
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
