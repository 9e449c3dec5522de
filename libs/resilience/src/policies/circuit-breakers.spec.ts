import { MetricFactory } from '@lib/observability';
import { CircuitState } from 'cockatiel';
import { register } from 'prom-client';
import { DeliveryError } from '../errors/delivery-error';
import { DeliveryErrorCategory as Category } from '../errors/delivery-error-category';
import { nextStepFor } from '../errors/next-step';
import { KeyedBreakerOptions, ResilienceOptions, validKeyedBreakerOptions } from '../resilience.options';
import { BreakerStateGauge } from './breaker-state.gauge';
import { CircuitBreakers } from './circuit-breakers';

const observability = { serviceName: 'breakers-spec', version: '0', logLevel: 'silent' };
const HALF_OPEN_AFTER_MS = 60_000;
const T0 = 1_800_000_000_000;

function setup(keyed: Partial<KeyedBreakerOptions> = {}) {
  const options: ResilienceOptions = {
    failureThreshold: 2,
    halfOpenAfterMs: HALF_OPEN_AFTER_MS,
    maxInFlightPerTenant: 2,
    handlerTimeoutMs: 1_000,
    interceptorBreaker: 'none',
    tenantOf: () => undefined,
  };
  const keyedOptions = validKeyedBreakerOptions({ keyKind: 'region', ...keyed });
  return new CircuitBreakers(options, keyedOptions, new BreakerStateGauge(new MetricFactory(observability), keyedOptions));
}

const unhealthy = { kind: 'retry', error: new DeliveryError(Category.TRANSIENT, '503') };
const permanent = { kind: 'dead-letter', error: new DeliveryError(Category.PERMANENT, '400') };
const sent = { kind: 'sent' };

async function openBreakerOf(breakers: CircuitBreakers, key: string): Promise<void> {
  for (let i = 0; i < 2; i += 1) await breakers.execute(key, async () => unhealthy);
}

/** The gauge's series as `{ labels: value }`, e.g. `{ 'region=eu': 2 }`. */
async function stateSeries(): Promise<Record<string, number>> {
  const metric = await register.getSingleMetric('breakers_spec_circuit_breaker_state')?.get();
  const entries = (metric?.values ?? []).map(({ labels, value }) => [Object.entries(labels).flat().join('='), value] as const);
  return Object.fromEntries(entries);
}

describe(CircuitBreakers.name, () => {
  beforeEach(() => jest.useFakeTimers({ now: T0 }));
  afterEach(() => {
    jest.useRealTimers();
    register.clear();
  });

  it("opens one key's breaker after the threshold and leaves the other keys closed", async () => {
    const breakers = setup();
    await openBreakerOf(breakers, 'mypurecloud.ie');
    const work = jest.fn(async () => sent);
    await expect(breakers.execute('mypurecloud.ie', work)).rejects.toBeInstanceOf(DeliveryError);
    expect(work).not.toHaveBeenCalled();
    await expect(breakers.execute('mypurecloud.de', work)).resolves.toBe(sent);
    expect(breakers.stateOf('mypurecloud.ie')).toBe(CircuitState.Open);
    expect(breakers.stateOf('mypurecloud.de')).toBe(CircuitState.Closed);
  });

  it("refuses with a deferral that waits the half-open time and names the key, never the work's content", async () => {
    const breakers = setup();
    await openBreakerOf(breakers, 'mypurecloud.ie');
    const refusal = await breakers.execute('mypurecloud.ie', async () => sent).catch((error: unknown) => error);
    expect(refusal).toMatchObject({ category: Category.CIRCUIT_OPEN, details: { minRetryDelayMs: HALF_OPEN_AFTER_MS } });
    expect(nextStepFor((refusal as DeliveryError).category)).toBe('defer');
    expect((refusal as DeliveryError).message).toBe("circuit open for region 'mypurecloud.ie'");
  });

  it('passes every outcome through unchanged, unhealthy ones included', async () => {
    const breakers = setup();
    await expect(breakers.execute('eu', async () => unhealthy)).resolves.toBe(unhealthy);
    await expect(breakers.execute('eu', async () => permanent)).resolves.toBe(permanent);
  });

  it('counts an unhealthy DeliveryError the work throws, and rethrows it as it is', async () => {
    const breakers = setup();
    const thrown = new DeliveryError(Category.TRANSIENT, 'timed out');
    for (let i = 0; i < 2; i += 1) await expect(breakers.execute('eu', () => Promise.reject(thrown))).rejects.toBe(thrown);
    await expect(breakers.execute('eu', async () => sent)).rejects.toMatchObject({ category: Category.CIRCUIT_OPEN });
  });

  it('does not count recipient-scoped, own-pace, permanent failures or defects, and a healthy answer resets the count', async () => {
    const breakers = setup();
    const pairLimited = { error: new DeliveryError(Category.RATE_LIMITED, 'pair', { recipientScoped: true }) };
    const overPaced = { error: new DeliveryError(Category.RATE_LIMITED, 'pace', { ownPace: true }) };
    const defect = new Error('defect');
    for (let i = 0; i < 5; i += 1) {
      await breakers.execute('eu', async () => pairLimited);
      await breakers.execute('eu', async () => overPaced);
      await expect(breakers.execute('eu', () => Promise.reject(permanent.error))).rejects.toBe(permanent.error);
      await expect(breakers.execute('eu', () => Promise.reject(defect))).rejects.toBe(defect);
      await breakers.execute('eu', async () => unhealthy);
      await breakers.execute('eu', async () => permanent);
    }
    expect(breakers.stateOf('eu')).toBe(CircuitState.Closed);
  });

  describe('after the half-open time', () => {
    async function startTrial(breakers: CircuitBreakers) {
      await openBreakerOf(breakers, 'eu');
      jest.setSystemTime(T0 + HALF_OPEN_AFTER_MS);
      let answer!: (outcome: object) => void;
      const trialWork = jest.fn(() => new Promise<object>((resolve) => (answer = resolve)));
      const trial = breakers.execute('eu', trialWork);
      expect(trialWork).toHaveBeenCalledTimes(1);
      return { trial, answer: (outcome: object) => answer(outcome) };
    }

    it('lets one trial through and defers every other call of that key while it is in flight', async () => {
      const breakers = setup();
      const { trial, answer } = await startTrial(breakers);
      expect(breakers.stateOf('eu')).toBe(CircuitState.HalfOpen);
      const other = jest.fn(async () => sent);
      await expect(breakers.execute('eu', other)).rejects.toMatchObject({
        category: Category.CIRCUIT_OPEN,
        details: { minRetryDelayMs: HALF_OPEN_AFTER_MS },
      });
      expect(other).not.toHaveBeenCalled();
      answer(sent);
      await expect(trial).resolves.toBe(sent);
    });

    it('closes the breaker when the trial is healthy', async () => {
      const breakers = setup();
      const { trial, answer } = await startTrial(breakers);
      answer(permanent);
      await trial;
      expect(breakers.stateOf('eu')).toBe(CircuitState.Closed);
      await expect(breakers.execute('eu', async () => sent)).resolves.toBe(sent);
    });

    it('keeps it open when the trial made no vendor call (parked for its rate-limit turn): that says nothing of the vendor', async () => {
      const breakers = setup();
      const { trial, answer } = await startTrial(breakers);
      const parked = { kind: 'retry', error: new DeliveryError(Category.THROTTLED, 'at its rate limit') };
      answer(parked);
      await expect(trial).resolves.toBe(parked);
      expect(breakers.stateOf('eu')).toBe(CircuitState.Open);
      jest.setSystemTime(T0 + 2 * HALF_OPEN_AFTER_MS);
      await expect(breakers.execute('eu', async () => sent)).resolves.toBe(sent);
      expect(breakers.stateOf('eu')).toBe(CircuitState.Closed);
    });

    it('opens it again for another half-open time when the trial is unhealthy', async () => {
      const breakers = setup();
      const { trial, answer } = await startTrial(breakers);
      answer(unhealthy);
      await expect(trial).resolves.toBe(unhealthy);
      expect(breakers.stateOf('eu')).toBe(CircuitState.Open);
      await expect(breakers.execute('eu', async () => sent)).rejects.toMatchObject({ category: Category.CIRCUIT_OPEN });
      jest.setSystemTime(T0 + 2 * HALF_OPEN_AFTER_MS);
      await expect(breakers.execute('eu', async () => sent)).resolves.toBe(sent);
    });
  });

  it('keeps at most maxKeys breakers, dropping the least recently used', async () => {
    const breakers = setup({ maxKeys: 3 });
    await openBreakerOf(breakers, 'busy');
    for (let i = 0; i < 1_000; i += 1) {
      await breakers.execute(`key-${i}`, async () => sent);
      await expect(breakers.execute('busy', async () => sent)).rejects.toMatchObject({ category: Category.CIRCUIT_OPEN });
    }
    expect(breakers.size).toBe(3);
    expect(breakers.stateOf('key-0')).toBeUndefined();
    expect(breakers.stateOf('busy')).toBe(CircuitState.Open);
  });

  it('exports each state under the key kind, keeps labels bounded and drops the series of a dropped breaker', async () => {
    const breakers = setup({ maxKeys: 3, maxKeyLabels: 2 });
    for (const key of ['eu', 'us', 'ap']) await openBreakerOf(breakers, key);
    expect(await stateSeries()).toEqual({ 'region=eu': 2, 'region=us': 2, 'region=other': 2 });
    await breakers.execute('jp', async () => sent);
    expect(await stateSeries()).toEqual({ 'region=us': 2, 'region=other': 2 });
  });
});

describe(validKeyedBreakerOptions.name, () => {
  it.each([
    ['tenant', "keyKind 'tenant' is the interceptor's own breaker label"],
    ['Region', "keyKind 'Region' must be a lower-case Prometheus label name"],
    ['', "keyKind '' must be a lower-case Prometheus label name"],
  ])('refuses the key kind %j', (keyKind, message) => {
    expect(() => validKeyedBreakerOptions({ keyKind })).toThrow(message);
  });

  it('refuses a maximum below 1', () => {
    expect(() => validKeyedBreakerOptions({ keyKind: 'region', maxKeys: 0 })).toThrow('maxKeys must be a positive integer');
    expect(() => validKeyedBreakerOptions({ keyKind: 'region', maxKeyLabels: 0.5 })).toThrow('maxKeyLabels must be a positive integer');
  });
});
