import { CircuitBreakerPolicy, CircuitState } from 'cockatiel';
import { DeliveryError } from '../errors/delivery-error';
import { DeliveryErrorCategory as Category } from '../errors/delivery-error-category';
import { executeCountingHealth, healthBreaker } from './health-breaker';

const WINDOW_MS = 10_000;
const T0 = 1_800_000_000_000;

const unhealthy = { kind: 'retry', error: new DeliveryError(Category.TRANSIENT, '(#131000) Something went wrong') };
const sent = { kind: 'sent' };

function breaker(failureThreshold = 5): CircuitBreakerPolicy {
  return healthBreaker({ failureThreshold, failureRate: 0.5, sampleWindowMs: WINDOW_MS, halfOpenAfterMs: 60_000 });
}

/** Outcomes in the order their handlers finished, one tick apart. */
async function finish(policy: CircuitBreakerPolicy, outcomes: object[]): Promise<void> {
  for (const outcome of outcomes) {
    await executeCountingHealth(policy, async () => outcome, policy);
    jest.advanceTimersByTime(1);
  }
}

const times = (count: number, outcome: object): object[] => Array.from({ length: count }, () => outcome);

describe('healthBreaker', () => {
  beforeEach(() => jest.useFakeTimers({ now: T0 }));
  afterEach(() => jest.useRealTimers());

  it('opens a key whose every call fails after the threshold, not before', async () => {
    const policy = breaker(5);
    await finish(policy, times(4, unhealthy));
    expect(policy.state).toBe(CircuitState.Closed);
    await finish(policy, [unhealthy]);
    expect(policy.state).toBe(CircuitState.Open);
  });

  it('stays closed when the failures of each wave of concurrent calls finish after its successes, one call in five failing', async () => {
    const policy = breaker(5);
    // 25 calls at once, 5 of them failing: the failures' handling (release, park) finishes last.
    const wave = [...times(20, sent), ...times(5, unhealthy)];
    for (let i = 0; i < 8; i += 1) await finish(policy, wave);
    expect(policy.state).toBe(CircuitState.Closed);
  });

  it('opens once more than half of the outcomes within the window were unhealthy', async () => {
    const policy = breaker(5);
    await finish(policy, [...times(10, sent), ...times(10, unhealthy)]);
    expect(policy.state).toBe(CircuitState.Closed);
    await finish(policy, [unhealthy]);
    expect(policy.state).toBe(CircuitState.Open);
  });

  it("moves its window on with traffic: a quiet key's earlier failures still add up, as a run of failures did", async () => {
    const policy = breaker(5);
    await finish(policy, times(4, unhealthy));
    jest.advanceTimersByTime(WINDOW_MS * 6);
    await finish(policy, [unhealthy]);
    expect(policy.state).toBe(CircuitState.Open);
  });

  it('drops outcomes once traffic has moved the window past them', async () => {
    const policy = breaker(5);
    await finish(policy, times(4, unhealthy));
    for (let second = 0; second < WINDOW_MS / 1000; second += 1) {
      jest.advanceTimersByTime(1_000);
      await finish(policy, [sent]);
    }
    await finish(policy, times(10, unhealthy));
    // 10 of the 20 outcomes in the window failed, not more than half; with the 4 first ones it would be 14 of 24.
    expect(policy.state).toBe(CircuitState.Closed);
    await finish(policy, [unhealthy]);
    expect(policy.state).toBe(CircuitState.Open);
  });

  it('opens at the threshold whatever the window, however cockatiel rounds its buckets', async () => {
    for (const [threshold, windowMs] of [
      [3, 1_000],
      [5, 30_000],
      [7, 12_345],
      [1, 60_000],
    ]) {
      const policy = healthBreaker({ failureThreshold: threshold, failureRate: 0.5, sampleWindowMs: windowMs, halfOpenAfterMs: 60_000 });
      await finish(policy, times(threshold - 1, unhealthy));
      expect(policy.state).toBe(CircuitState.Closed);
      await finish(policy, [unhealthy]);
      expect(policy.state).toBe(CircuitState.Open);
    }
  });
});
