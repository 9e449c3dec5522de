import { SeededRandom } from '../random/seeded-random';
import { Fault, FaultInjector } from './fault-injector';

type Context = { region: string; integrationId?: string; token?: string };
type ServerError = 500 | 503;

const SERVER_ERROR: Fault<ServerError> = { kind: 'error', error: 503 };
const draw = (faults: FaultInjector<Context, ServerError>, calls: number) =>
  Array.from({ length: calls }, () => faults.take({ region: 'mypurecloud.de' }));

describe(FaultInjector.name, () => {
  describe('scripted faults', () => {
    it('fails as many matching requests as `times` says, then none', () => {
      const faults = new FaultInjector<Context, ServerError>();
      faults.inject(SERVER_ERROR, { times: 2 });
      const drawn = [1, 2, 3].map(() => faults.take({ region: 'mypurecloud.de' }));
      expect(drawn).toEqual([{ fault: SERVER_ERROR, source: 'scripted' }, { fault: SERVER_ERROR, source: 'scripted' }, undefined]);
      expect(faults.scriptedLeft).toBe(0);
    });

    it('fails one request by default', () => {
      const faults = new FaultInjector<Context, ServerError>();
      faults.inject({ kind: 'reset' });
      expect(faults.take({ region: 'mypurecloud.de' })?.fault).toEqual({ kind: 'reset' });
      expect(faults.take({ region: 'mypurecloud.de' })).toBeUndefined();
    });

    it('matches on every given field and leaves other requests alone, without using up the rule', () => {
      const faults = new FaultInjector<Context, ServerError>();
      faults.inject({ kind: 'timeout' }, { match: { region: 'mypurecloud.ie', integrationId: 'int-1' }, times: 1 });
      expect(faults.take({ region: 'mypurecloud.de', integrationId: 'int-1' })).toBeUndefined();
      expect(faults.take({ region: 'mypurecloud.ie', integrationId: 'int-2' })).toBeUndefined();
      expect(faults.take({ region: 'mypurecloud.ie' })).toBeUndefined();
      expect(faults.scriptedLeft).toBe(1);
      expect(faults.take({ region: 'mypurecloud.ie', integrationId: 'int-1' })?.fault).toEqual({ kind: 'timeout' });
    });

    it('matches with a predicate', () => {
      const faults = new FaultInjector<Context, ServerError>();
      faults.inject({ kind: 'latency', ms: 50 }, { match: (request) => request.token?.startsWith('old-') === true, times: Infinity });
      expect(faults.take({ region: 'mypurecloud.de', token: 'new-1' })).toBeUndefined();
      expect(faults.take({ region: 'mypurecloud.de', token: 'old-1' })?.fault).toEqual({ kind: 'latency', ms: 50 });
      expect(faults.take({ region: 'mypurecloud.de', token: 'old-2' })?.fault).toEqual({ kind: 'latency', ms: 50 });
    });

    it('serves rules in the order they were added', () => {
      const faults = new FaultInjector<Context, ServerError>();
      faults.inject({ kind: 'error', error: 500 });
      faults.inject({ kind: 'error', error: 503 });
      expect([faults.take({ region: 'x' }), faults.take({ region: 'x' })].map((drawn) => drawn?.fault)).toEqual([
        { kind: 'error', error: 500 },
        { kind: 'error', error: 503 },
      ]);
    });

    it.each([0, -1, 1.5, Number.NaN])('refuses times = %p', (times) => {
      expect(() => new FaultInjector<Context, ServerError>().inject(SERVER_ERROR, { times })).toThrow(
        /times must be a positive integer or Infinity/,
      );
    });

    it.each<[string, Fault<ServerError>]>([
      ['a negative latency', { kind: 'latency', ms: -1 }],
      ['a late answer without a delay', { kind: 'late', afterMs: Number.NaN }],
    ])('refuses %s', (_name, fault) => {
      expect(() => new FaultInjector<Context, ServerError>().inject(fault)).toThrow(/must be a non-negative number of milliseconds/);
    });
  });

  describe('random faults', () => {
    it('fails about the configured share of requests, labelled by share', () => {
      const faults = new FaultInjector<Context, ServerError>();
      faults.injectRandom({
        seed: 7,
        shares: [
          { label: 'server-error', rate: 0.2, fault: [SERVER_ERROR, { kind: 'error', error: 500 }] },
          { label: 'timeout', rate: 0.1, fault: { kind: 'timeout' } },
        ],
      });
      const drawn = draw(faults, 1000);
      const serverErrors = drawn.filter((entry) => entry?.label === 'server-error');
      const timeouts = drawn.filter((entry) => entry?.label === 'timeout');
      expect(serverErrors.length).toBeGreaterThan(160);
      expect(serverErrors.length).toBeLessThan(240);
      expect(timeouts.length).toBeGreaterThan(70);
      expect(timeouts.length).toBeLessThan(130);
      expect(new Set(serverErrors.map((entry) => (entry!.fault as { error: ServerError }).error))).toEqual(new Set([500, 503]));
      expect(timeouts.every((entry) => entry!.source === 'random' && entry!.fault.kind === 'timeout')).toBe(true);
    });

    it('replays the same faults for the same seed', () => {
      const plan = { seed: 42, shares: [{ rate: 0.3, fault: [SERVER_ERROR, { kind: 'reset' as const }] }] };
      const first = new FaultInjector<Context, ServerError>();
      const second = new FaultInjector<Context, ServerError>();
      first.injectRandom(plan);
      second.injectRandom(plan);
      expect(draw(first, 200)).toEqual(draw(second, 200));
    });

    it('takes one number of the sequence per request, and a second only to pick among several faults', () => {
      const faults = new FaultInjector<Context, ServerError>();
      faults.injectRandom({
        seed: 9,
        shares: [
          { label: 'server-error', rate: 0.3, fault: [SERVER_ERROR, { kind: 'error', error: 500 }] },
          { label: 'timeout', rate: 0.3, fault: { kind: 'timeout' } },
        ],
      });
      const sequence = new SeededRandom(9);
      const expected = Array.from({ length: 200 }, () => {
        const value = sequence.next();
        if (value < 0.3) return `server-error ${sequence.pick([503, 500])}`;
        return value < 0.6 ? 'timeout' : 'none';
      });
      const drawn = draw(faults, 200).map((entry) =>
        entry?.fault.kind === 'error' ? `${entry.label} ${entry.fault.error}` : (entry?.label ?? 'none'),
      );
      expect(drawn).toEqual(expected);
    });

    it('draws only for matching requests', () => {
      const faults = new FaultInjector<Context, ServerError>();
      faults.injectRandom({ seed: 1, match: { integrationId: 'int-1' }, shares: [{ rate: 1, fault: SERVER_ERROR }] });
      expect(faults.take({ region: 'mypurecloud.de', integrationId: 'int-2' })).toBeUndefined();
      expect(faults.take({ region: 'mypurecloud.de', integrationId: 'int-1' })?.source).toBe('random');
    });

    it('serves scripted faults before random ones', () => {
      const faults = new FaultInjector<Context, ServerError>();
      faults.injectRandom({ seed: 1, shares: [{ rate: 1, fault: SERVER_ERROR }] });
      faults.inject({ kind: 'reset' });
      expect(draw(faults, 2).map((entry) => entry?.source)).toEqual(['scripted', 'random']);
    });

    it.each([
      ['add up to more than 1', [0.6, 0.5]],
      ['are negative', [-0.1]],
      ['are not numbers', [Number.NaN]],
    ])('refuses rates that %s', (_name, rates) => {
      const faults = new FaultInjector<Context, ServerError>();
      expect(() => faults.injectRandom({ seed: 1, shares: rates.map((rate) => ({ rate, fault: SERVER_ERROR })) })).toThrow(
        /random fault rates must be non-negative and add up to at most 1/,
      );
    });

    it('refuses a share without a fault to pick', () => {
      expect(() => new FaultInjector<Context, ServerError>().injectRandom({ seed: 1, shares: [{ rate: 0.1, fault: [] }] })).toThrow(
        /at least one fault/,
      );
    });
  });

  describe('replaceRandom', () => {
    it('ends the random plans in force, starts the new one and keeps the scripted rules', () => {
      const faults = new FaultInjector<Context, ServerError>();
      faults.inject({ kind: 'reset' });
      faults.injectRandom({ seed: 1, shares: [{ rate: 1, fault: SERVER_ERROR }] });
      faults.replaceRandom({ seed: 1, shares: [{ rate: 1, fault: { kind: 'timeout' } }] });
      expect(draw(faults, 2).map((entry) => entry?.fault)).toEqual([{ kind: 'reset' }, { kind: 'timeout' }]);
    });

    it('leaves the plans in force when the new one is refused', () => {
      const faults = new FaultInjector<Context, ServerError>();
      faults.injectRandom({ seed: 1, shares: [{ rate: 1, fault: SERVER_ERROR }] });
      expect(() => faults.replaceRandom({ seed: 1, shares: [{ rate: 1.5, fault: { kind: 'timeout' } }] })).toThrow(/at most 1/);
      expect(faults.take({ region: 'mypurecloud.de' })?.fault).toEqual(SERVER_ERROR);
    });
  });

  it('clear() ends scripted and random faults', () => {
    const faults = new FaultInjector<Context, ServerError>();
    faults.inject(SERVER_ERROR, { times: Infinity });
    faults.injectRandom({ seed: 1, shares: [{ rate: 1, fault: SERVER_ERROR }] });
    faults.clear();
    expect(faults.take({ region: 'mypurecloud.de' })).toBeUndefined();
  });
});
