/**
 * Capacity model of the whatsapp-api-service: from the load (tenants, messages per second per tenant, the
 * vendor's latency) to the replicas, prefetch, HTTP sockets, Redis commands and broker traffic it needs.
 * Pure arithmetic on figures measured in bench/README.md and counted in the code (each constant names
 * its source); `npm run capacity` prints it (bench/capacity.ts).
 */

/**
 * Service CPU per message when not saturated, as a replica at its target utilisation runs: 1,232 µs,
 * bench/README.md "The cost of one message, second round", the table at 500 msg/s, row "after". At full
 * speed work batches and it falls to about 1,037 µs (the row "whatsapp, 50 tenants, Meta 200 ms", "after").
 */
export const DEFAULT_CPU_MICROS_PER_MESSAGE = 1232;
/** CPU share a replica is planned at: the rest absorbs bursts, GC pauses and a lost replica's share. */
export const DEFAULT_TARGET_UTILISATION = 0.6;
/** A replica is one Node process: its JavaScript runs on one core, whatever the pod is given. */
export const DEFAULT_CORES_PER_REPLICA = 1;
/** Replicas never fewer than this, so that one can be down (a deploy, a lost node) while two carry on. */
export const MIN_REPLICAS = 3;

/**
 * Time a message holds its prefetch slot besides the vendor's answer: the warm overhead p50 of 17 ms at
 * 500 msg/s (bench/README.md, same table, "after": broker and consumer before Meta answers) plus the
 * ledger record, the confirmed status event and the ack after it.
 */
export const HANDLING_MS = 20;
/** Little's law gives the mean in flight; twice that keeps the rate while the vendor's latency doubles. */
export const PREFETCH_HEADROOM = 2;

/** `RABBITMQ_PREFETCH` default (libs/service/src/config/rabbitmq-env.schema.ts); neither app overrides it. */
export const CONFIGURED_PREFETCH = 600;
/** `TENANT_MAX_IN_FLIGHT` default, one tenant's bulkhead per replica (libs/service/src/config/egress-service-env.schema.ts). */
export const CONFIGURED_TENANT_MAX_IN_FLIGHT = 400;

/**
 * Redis calls every message makes, each awaited before the next (a round trip each):
 * - its place in the conversation's line, EVALSHA of `ENTER_SCRIPT`: `ConversationLine.enter` from `ConversationGate.inOrder`
 *   (libs/resilience/src/shared-state/conversation-line.redis.ts, libs/delivery/src/conversation-gate.service.ts);
 * - the claim, EVALSHA of `CLAIM_SCRIPT`: `DeliveryLedger.claim` (libs/resilience/src/shared-state/delivery-ledger.service.ts);
 * - the send slot, EVALSHA of `ASK_SCRIPT`: `SendSchedule.ask` from `TenantRateLimiter.acquire`
 *   (libs/resilience/src/shared-state/send-schedule.ts, tenant-rate-limiter.service.ts);
 * - the `sent` record, SET: `DeliveryLedger.markSent`.
 * The genesys-api-service adds a fifth, its tenant's pause (GET, `SharedPauses.pausedUntil`).
 */
export const REDIS_CALLS_PER_MESSAGE = 4;
/** And one it does not wait for: leaving the line once sent, EVALSHA of `LEAVE_SCRIPT` (`ConversationLine.leave`). */
export const REDIS_UNAWAITED_CALLS_PER_MESSAGE = 1;
/**
 * Each replica asks Redis whether a tenant's account is on hold (EVALSHA of `ADMIT_SCRIPT`, awaited before
 * the rate limit) at most once per this interval: `CLEAR_FOR_MS` in apps/whatsapp-api-service/src/outbound/account-hold-gate.service.ts.
 */
export const ACCOUNT_HOLD_CHECK_EVERY_MS = 1000;
/**
 * Each replica reads a phone number's shared pace (GET; a compare-and-set only while a pace is lowered) at
 * most once per this interval, in the background: `SYNC_EVERY_MS` in libs/resilience/src/shared-state/adaptive-pace.service.ts.
 */
export const PACE_SYNC_EVERY_MS = 500;
/** The ledger keeps a record per message for a day (`DAY_SECONDS`, delivery-ledger.service.ts; the whatsapp service keeps the default). */
export const LEDGER_TTL_S = 24 * 60 * 60;
/**
 * Redis 7's `MEMORY USAGE` of one `sent` record: a key of about 70 bytes (prefix, tenant, UUID message id) and a
 * receipt with a wamid, measured at 248 bytes.
 */
export const LEDGER_BYTES_PER_RECORD = 250;

/**
 * Broker operations per message sent at the first attempt: the platform publishes the work message and
 * the service publishes its status event (`OutcomeDispatcher.publishEvent`, libs/messaging/src/outcome/outcome-dispatcher.service.ts,
 * with the events of apps/whatsapp-api-service/src/outbound/status-event.factory.ts), both confirmed; the work
 * message is delivered once and acked once. The status event's own consumer is not counted.
 */
export const BROKER_PUBLISHES_PER_MESSAGE = 2;
export const BROKER_DELIVERIES_PER_MESSAGE = 1;
export const BROKER_ACKS_PER_MESSAGE = 1;

/** Rounding error of the division must not add a replica (600 msg/s at 1,000 µs and 0.6 is exactly one). */
const ROUNDING_SLACK = 1e-9;

export interface CapacityInput {
  tenants: number;
  messagesPerSecondPerTenant: number;
  vendorLatencyMs: number;
  cpuMicrosPerMessage?: number;
  /** Planned CPU share of a replica's cores, above 0 and at most 1. */
  targetUtilisation?: number;
  coresPerReplica?: number;
}

/** The command-line flag of each input, so that an invalid value is reported as the flag the user typed. */
export const CAPACITY_FLAGS: Record<keyof CapacityInput, string> = {
  tenants: '--tenants',
  messagesPerSecondPerTenant: '--mps',
  vendorLatencyMs: '--latency-ms',
  cpuMicrosPerMessage: '--cpu-us',
  targetUtilisation: '--utilisation',
  coresPerReplica: '--cores',
};

export interface CapacityPlan {
  inputs: Required<CapacityInput>;
  totalMessagesPerSecond: number;
  /** What one replica carries at the target utilisation. */
  capacityPerReplica: number;
  /** Replicas the CPU alone needs, before the minimum for availability. */
  cpuBoundReplicas: number;
  replicas: number;
  messagesPerSecondPerReplica: number;
  /** CPU share each replica actually runs at (below the target when the minimum of replicas decides). */
  utilisationPerReplica: number;
  /** How long a message holds its prefetch slot: the vendor's latency and the handling. */
  slotHeldMs: number;
  /** Little's law: messages unacked in one replica at once, on average. */
  inFlightPerReplica: number;
  prefetchPerReplica: number;
  configuredPrefetch: number;
  /** The most one replica can carry at the configured prefetch before the CPU does (prefetch / slot time). */
  configuredPrefetchLimit: number;
  /** One tenant's messages in flight in one replica (they spread over the replicas), against its bulkhead. */
  tenantInFlightPerReplica: number;
  configuredTenantMaxInFlight: number;
  /** Vendor calls in flight in one replica, each on a keep-alive socket of its own (no HTTP pipelining). */
  httpSocketsPerReplica: number;
  redis: {
    /** In sequence, on average: the calls of every message and the account-hold checks it makes. */
    roundTripsPerMessage: number;
    perMessageCommandsPerSecond: number;
    /** Per tenant and replica, at most one per interval: every message's when a replica sees the tenant less often. */
    accountHoldChecksPerSecond: number;
    paceReadsPerSecond: number;
    commandsPerSecond: number;
    ledgerRecords: number;
    ledgerBytes: number;
  };
  broker: { publishesPerSecond: number; deliveriesPerSecond: number; acksPerSecond: number; operationsPerSecond: number };
}

/** Throws a `RangeError` naming the flag of the first invalid input. */
export function planCapacity(input: CapacityInput): CapacityPlan {
  const inputs: Required<CapacityInput> = {
    tenants: input.tenants,
    messagesPerSecondPerTenant: input.messagesPerSecondPerTenant,
    vendorLatencyMs: input.vendorLatencyMs,
    cpuMicrosPerMessage: input.cpuMicrosPerMessage ?? DEFAULT_CPU_MICROS_PER_MESSAGE,
    targetUtilisation: input.targetUtilisation ?? DEFAULT_TARGET_UTILISATION,
    coresPerReplica: input.coresPerReplica ?? DEFAULT_CORES_PER_REPLICA,
  };
  validate(inputs);
  const { tenants, messagesPerSecondPerTenant, vendorLatencyMs, cpuMicrosPerMessage, targetUtilisation, coresPerReplica } = inputs;

  const totalMessagesPerSecond = tenants * messagesPerSecondPerTenant;
  const capacityPerReplica = (coresPerReplica * targetUtilisation * 1e6) / cpuMicrosPerMessage;
  const cpuBoundReplicas = Math.ceil(totalMessagesPerSecond / capacityPerReplica - ROUNDING_SLACK);
  const replicas = Math.max(MIN_REPLICAS, cpuBoundReplicas);
  const messagesPerSecondPerReplica = totalMessagesPerSecond / replicas;

  const slotHeldMs = vendorLatencyMs + HANDLING_MS;
  const inFlightPerReplica = (messagesPerSecondPerReplica * slotHeldMs) / 1000;
  const tenantPerReplica = messagesPerSecondPerTenant / replicas;

  const perMessageCommandsPerSecond = totalMessagesPerSecond * (REDIS_CALLS_PER_MESSAGE + REDIS_UNAWAITED_CALLS_PER_MESSAGE);
  const accountHoldChecksPerSecond = tenants * replicas * atMostOncePer(ACCOUNT_HOLD_CHECK_EVERY_MS, tenantPerReplica);
  const paceReadsPerSecond = tenants * replicas * atMostOncePer(PACE_SYNC_EVERY_MS, tenantPerReplica);
  const ledgerRecords = totalMessagesPerSecond * LEDGER_TTL_S;

  return {
    inputs,
    totalMessagesPerSecond,
    capacityPerReplica,
    cpuBoundReplicas,
    replicas,
    messagesPerSecondPerReplica,
    utilisationPerReplica: (messagesPerSecondPerReplica * cpuMicrosPerMessage) / (coresPerReplica * 1e6),
    slotHeldMs,
    inFlightPerReplica,
    prefetchPerReplica: Math.max(1, Math.ceil(inFlightPerReplica * PREFETCH_HEADROOM)),
    configuredPrefetch: CONFIGURED_PREFETCH,
    configuredPrefetchLimit: (CONFIGURED_PREFETCH * 1000) / slotHeldMs,
    tenantInFlightPerReplica: (tenantPerReplica * slotHeldMs) / 1000,
    configuredTenantMaxInFlight: CONFIGURED_TENANT_MAX_IN_FLIGHT,
    httpSocketsPerReplica: Math.ceil((messagesPerSecondPerReplica * vendorLatencyMs) / 1000),
    redis: {
      roundTripsPerMessage: REDIS_CALLS_PER_MESSAGE + accountHoldChecksPerSecond / totalMessagesPerSecond,
      perMessageCommandsPerSecond,
      accountHoldChecksPerSecond,
      paceReadsPerSecond,
      commandsPerSecond: perMessageCommandsPerSecond + accountHoldChecksPerSecond + paceReadsPerSecond,
      ledgerRecords,
      ledgerBytes: ledgerRecords * LEDGER_BYTES_PER_RECORD,
    },
    broker: {
      publishesPerSecond: totalMessagesPerSecond * BROKER_PUBLISHES_PER_MESSAGE,
      deliveriesPerSecond: totalMessagesPerSecond * BROKER_DELIVERIES_PER_MESSAGE,
      acksPerSecond: totalMessagesPerSecond * BROKER_ACKS_PER_MESSAGE,
      operationsPerSecond:
        totalMessagesPerSecond * (BROKER_PUBLISHES_PER_MESSAGE + BROKER_DELIVERIES_PER_MESSAGE + BROKER_ACKS_PER_MESSAGE),
    },
  };
}

/**
 * Rate of a call made by the first message after a quiet interval has passed, for messages arriving at
 * `perSecond` (Poisson): one per interval plus the wait for the next message. Every message at low
 * rates, once per interval at high ones.
 */
function atMostOncePer(intervalMs: number, perSecond: number): number {
  return perSecond / (1 + (perSecond * intervalMs) / 1000);
}

function validate(inputs: Required<CapacityInput>): void {
  const rules: Array<[keyof CapacityInput, (value: number) => boolean, string]> = [
    ['tenants', (value) => Number.isInteger(value) && value >= 1, 'a whole number of at least 1'],
    ['messagesPerSecondPerTenant', (value) => value > 0, 'above 0'],
    ['vendorLatencyMs', (value) => value >= 0, '0 or more'],
    ['cpuMicrosPerMessage', (value) => value > 0, 'above 0'],
    ['targetUtilisation', (value) => value > 0 && value <= 1, 'above 0 and at most 1'],
    ['coresPerReplica', (value) => value > 0, 'above 0'],
  ];
  for (const [name, valid, expected] of rules) {
    const value = inputs[name];
    if (!Number.isFinite(value) || !valid(value)) throw new RangeError(`${CAPACITY_FLAGS[name]} must be ${expected} (got ${value})`);
  }
}
