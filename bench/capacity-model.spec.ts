import { WhatsappEnv } from '../apps/whatsapp-api-service/src/config/whatsapp-env.schema';
import {
  CapacityInput,
  CONFIGURED_PREFETCH,
  CONFIGURED_TENANT_MAX_IN_FLIGHT,
  DEFAULT_CPU_MICROS_PER_MESSAGE,
  MIN_REPLICAS,
  planCapacity,
} from './capacity-model';
import { capacityInputFromFlags } from './support/capacity-flags';

const LOAD: CapacityInput = { tenants: 50, messagesPerSecondPerTenant: 20, vendorLatencyMs: 200 };

describe('planCapacity', () => {
  it("gives Little's law figures of a hand-computed load", () => {
    // 10 tenants × 200 msg/s = 2,000 msg/s; one replica carries 0.5 × 1e6 / 1,000 µs = 500 msg/s: 4 replicas.
    const plan = planCapacity({
      tenants: 10,
      messagesPerSecondPerTenant: 200,
      vendorLatencyMs: 180,
      cpuMicrosPerMessage: 1000,
      targetUtilisation: 0.5,
      coresPerReplica: 1,
    });
    expect(plan.totalMessagesPerSecond).toBe(2000);
    expect(plan.capacityPerReplica).toBe(500);
    expect(plan.replicas).toBe(4);
    expect(plan.messagesPerSecondPerReplica).toBe(500);
    expect(plan.utilisationPerReplica).toBeCloseTo(0.5);
    // Slot held 180 + 20 ms: 500 msg/s × 0.2 s = 100 in flight, twice that as prefetch; 500 × 0.18 s = 90 vendor calls.
    expect(plan.slotHeldMs).toBe(200);
    expect(plan.inFlightPerReplica).toBeCloseTo(100);
    expect(plan.prefetchPerReplica).toBe(200);
    expect(plan.httpSocketsPerReplica).toBe(90);
    expect(plan.configuredPrefetchLimit).toBe(3000);
    // One tenant: 200 / 4 = 50 msg/s per replica × 0.2 s.
    expect(plan.tenantInFlightPerReplica).toBeCloseTo(10);
    // Each tenant at 50 msg/s per replica: hold checks 50 / (1 + 50 × 1 s), pace reads 50 / (1 + 50 × 0.5 s), × 40 pairs.
    expect(plan.redis.perMessageCommandsPerSecond).toBe(10_000);
    expect(plan.redis.accountHoldChecksPerSecond).toBeCloseTo((40 * 50) / 51);
    expect(plan.redis.paceReadsPerSecond).toBeCloseTo((40 * 50) / 26);
    expect(plan.redis.commandsPerSecond).toBeCloseTo(10_000 + (40 * 50) / 51 + (40 * 50) / 26);
    expect(plan.redis.roundTripsPerMessage).toBeCloseTo(4 + (40 * 50) / 51 / 2000);
    expect(plan.redis.ledgerRecords).toBe(2000 * 86_400);
    expect(plan.broker).toEqual({ publishesPerSecond: 4000, deliveriesPerSecond: 2000, acksPerSecond: 2000, operationsPerSecond: 8000 });
  });

  it('takes the bench-measured CPU per message, 60 % utilisation and one core unless told otherwise', () => {
    const plan = planCapacity(LOAD);
    expect(plan.inputs).toEqual({
      ...LOAD,
      cpuMicrosPerMessage: DEFAULT_CPU_MICROS_PER_MESSAGE,
      targetUtilisation: 0.6,
      coresPerReplica: 1,
    });
    expect(plan.capacityPerReplica).toBeCloseTo(0.6e6 / DEFAULT_CPU_MICROS_PER_MESSAGE);
  });

  it('never plans fewer than three replicas, and adds one only when the CPU needs it', () => {
    const atMost = (messagesPerSecondPerTenant: number) =>
      planCapacity({ tenants: 1, messagesPerSecondPerTenant, vendorLatencyMs: 0, cpuMicrosPerMessage: 1000, targetUtilisation: 0.6 });
    expect(atMost(1)).toMatchObject({ cpuBoundReplicas: 1, replicas: MIN_REPLICAS });
    expect(atMost(1).utilisationPerReplica).toBeCloseTo(1 / 3 / 1000);
    // 600 msg/s at 1,000 µs and 0.6 is exactly one replica's worth: no rounding error adds a second.
    expect(atMost(600).cpuBoundReplicas).toBe(1);
    expect(atMost(1800).replicas).toBe(3);
    expect(atMost(1801).replicas).toBe(4);
  });

  it('needs more of everything as the load grows, fewer replicas with more CPU to spend', () => {
    const figures = (input: CapacityInput) => {
      const plan = planCapacity(input);
      return [plan.replicas, plan.redis.commandsPerSecond, plan.broker.operationsPerSecond, plan.redis.ledgerRecords];
    };
    const notLess = (smaller: number[], larger: number[]) => smaller.forEach((value, i) => expect(larger[i]).toBeGreaterThanOrEqual(value));
    for (const tenants of [1, 10, 1000, 100_000]) {
      for (const mps of [0.1, 5, 80]) {
        const load = { ...LOAD, tenants, messagesPerSecondPerTenant: mps };
        notLess(figures(load), figures({ ...load, tenants: tenants * 2 }));
        notLess(figures(load), figures({ ...load, messagesPerSecondPerTenant: mps * 2 }));
        notLess(figures(load), figures({ ...load, cpuMicrosPerMessage: DEFAULT_CPU_MICROS_PER_MESSAGE * 2 }));
        expect(planCapacity({ ...load, targetUtilisation: 0.9 }).replicas).toBeLessThanOrEqual(planCapacity(load).replicas);
        expect(planCapacity({ ...load, coresPerReplica: 2 }).replicas).toBeLessThanOrEqual(planCapacity(load).replicas);
        expect(planCapacity({ ...load, vendorLatencyMs: 2000 }).prefetchPerReplica).toBeGreaterThanOrEqual(
          planCapacity(load).prefetchPerReplica,
        );
      }
    }
    expect(planCapacity({ ...LOAD, tenants: 100_000 }).replicas).toBeGreaterThan(planCapacity({ ...LOAD, tenants: 1000 }).replicas);
  });

  it.each<[Partial<CapacityInput>, string]>([
    [{ tenants: 0 }, '--tenants must be a whole number of at least 1 (got 0)'],
    [{ tenants: 2.5 }, '--tenants must be a whole number of at least 1 (got 2.5)'],
    [{ messagesPerSecondPerTenant: 0 }, '--mps must be above 0 (got 0)'],
    [{ vendorLatencyMs: -1 }, '--latency-ms must be 0 or more (got -1)'],
    [{ vendorLatencyMs: Infinity }, '--latency-ms must be 0 or more (got Infinity)'],
    [{ cpuMicrosPerMessage: 0 }, '--cpu-us must be above 0 (got 0)'],
    [{ targetUtilisation: 1.2 }, '--utilisation must be above 0 and at most 1 (got 1.2)'],
    [{ coresPerReplica: NaN }, '--cores must be above 0 (got NaN)'],
  ])('refuses %p, naming the flag', (bad, message) => {
    expect(() => planCapacity({ ...LOAD, ...bad })).toThrow(new RangeError(message));
  });

  it("compares with the service's configured prefetch and tenant bulkhead", () => {
    const defaults = new WhatsappEnv();
    expect(CONFIGURED_PREFETCH).toBe(defaults.RABBITMQ_PREFETCH);
    expect(CONFIGURED_TENANT_MAX_IN_FLIGHT).toBe(defaults.TENANT_MAX_IN_FLIGHT);
  });
});

describe('capacityInputFromFlags', () => {
  const argv = process.argv;
  const withFlags = (...flags: string[]) => {
    process.argv = [argv[0], 'bench/capacity.ts', ...flags];
    try {
      return capacityInputFromFlags();
    } finally {
      process.argv = argv;
    }
  };

  it('reads the load and the overrides given', () => {
    expect(withFlags('--tenants', '100000', '--mps', '20', '--latency-ms', '300', '--utilisation', '0.7')).toEqual({
      tenants: 100_000,
      messagesPerSecondPerTenant: 20,
      vendorLatencyMs: 300,
      cpuMicrosPerMessage: undefined,
      targetUtilisation: 0.7,
      coresPerReplica: undefined,
    });
  });

  it('names a missing, malformed or unknown flag', () => {
    expect(() => withFlags('--tenants', '10', '--mps', '20')).toThrow('--latency-ms is required');
    expect(() => withFlags('--tenants', '10', '--mps', 'lots', '--latency-ms', '300')).toThrow('--mps lots: expected a number');
    expect(() => withFlags('--tenant', '10', '--mps', '20', '--latency-ms', '300')).toThrow('--tenant is not a flag of the capacity model');
  });
});
