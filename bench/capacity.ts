/**
 * Prints the capacity model (bench/capacity-model.ts) for a load, with its inputs and assumptions.
 *
 *   npm run capacity -- --tenants 100000 --mps 20 --latency-ms 300 [--cpu-us 1232] [--utilisation 0.6] [--cores 1]
 */
import {
  ACCOUNT_HOLD_CHECK_EVERY_MS,
  CapacityPlan,
  HANDLING_MS,
  LEDGER_BYTES_PER_RECORD,
  LEDGER_TTL_S,
  MIN_REPLICAS,
  PACE_SYNC_EVERY_MS,
  planCapacity,
  PREFETCH_HEADROOM,
  REDIS_CALLS_PER_MESSAGE,
  REDIS_UNAWAITED_CALLS_PER_MESSAGE,
} from './capacity-model';
import { capacityInputFromFlags } from './support/capacity-flags';

type Row = [quantity: string, value: string, how: string];

const whole = (value: number) => Math.round(value).toLocaleString('en-US');
/** One decimal, or three significant digits below 1 (a tenant's share of a replica can be a small fraction). */
const oneDecimal = (value: number) =>
  value.toLocaleString('en-US', Math.abs(value) < 1 ? { maximumSignificantDigits: 3 } : { maximumFractionDigits: 1 });
const storage = (bytes: number) => (bytes >= 1e12 ? `${oneDecimal(bytes / 1e12)} TB` : `${oneDecimal(bytes / 1e9)} GB`);

function printTable(title: string, rows: Row[]): void {
  const widths = [0, 1].map((column) => Math.max(...rows.map((row) => row[column].length)));
  console.log(`\n${title}`);
  for (const [quantity, value, how] of rows) console.log(`  ${quantity.padEnd(widths[0])}  ${value.padStart(widths[1])}  ${how}`);
}

function inputRows({ inputs }: CapacityPlan): Row[] {
  return [
    ['tenants', whole(inputs.tenants), '--tenants'],
    ['messages per second per tenant', oneDecimal(inputs.messagesPerSecondPerTenant), '--mps'],
    ['vendor latency', `${whole(inputs.vendorLatencyMs)} ms`, '--latency-ms'],
    ['service CPU per message', `${whole(inputs.cpuMicrosPerMessage)} µs`, '--cpu-us (default: bench/README.md, 500 msg/s, "after")'],
    ['target CPU utilisation per replica', oneDecimal(inputs.targetUtilisation * 100) + ' %', '--utilisation'],
    ['cores per replica', oneDecimal(inputs.coresPerReplica), '--cores'],
  ];
}

function outputRows(plan: CapacityPlan): Row[] {
  const { redis, broker } = plan;
  const prefetchVerdict =
    plan.prefetchPerReplica <= plan.configuredPrefetch
      ? `the configured ${plan.configuredPrefetch} suffices`
      : `above the configured ${plan.configuredPrefetch}: raise RABBITMQ_PREFETCH`;
  const bulkheadVerdict =
    plan.tenantInFlightPerReplica <= plan.configuredTenantMaxInFlight
      ? `within TENANT_MAX_IN_FLIGHT ${plan.configuredTenantMaxInFlight}`
      : `above TENANT_MAX_IN_FLIGHT ${plan.configuredTenantMaxInFlight}: the tenant waits in the broker`;
  return [
    ['total load', `${whole(plan.totalMessagesPerSecond)} msg/s`, 'tenants × msg/s per tenant'],
    ['one replica carries', `${oneDecimal(plan.capacityPerReplica)} msg/s`, 'cores × utilisation / CPU per message'],
    ['replicas the CPU needs', whole(plan.cpuBoundReplicas), 'total load / what one replica carries, rounded up'],
    ['replicas', whole(plan.replicas), `the CPU's, at least ${MIN_REPLICAS} for availability`],
    ['load per replica', `${oneDecimal(plan.messagesPerSecondPerReplica)} msg/s`, 'total load / replicas'],
    ['CPU utilisation per replica', `${oneDecimal(plan.utilisationPerReplica * 100)} %`, 'load per replica × CPU per message / cores'],
    ['time a message holds its slot', `${whole(plan.slotHeldMs)} ms`, `vendor latency + ${HANDLING_MS} ms handling`],
    ['in flight per replica', oneDecimal(plan.inFlightPerReplica), "Little's law: load per replica × slot time"],
    ['prefetch per replica', whole(plan.prefetchPerReplica), `in flight × ${PREFETCH_HEADROOM} headroom; ${prefetchVerdict}`],
    [
      'load the configured prefetch allows',
      `${whole(plan.configuredPrefetchLimit)} msg/s`,
      `per replica: ${plan.configuredPrefetch} / slot time (the CPU limit is lower when this is higher)`,
    ],
    [
      'one tenant in flight per replica',
      oneDecimal(plan.tenantInFlightPerReplica),
      `tenant's msg/s / replicas × slot time; ${bulkheadVerdict}`,
    ],
    ['HTTP sockets per replica', whole(plan.httpSocketsPerReplica), "Little's law: load per replica × vendor latency, one call per socket"],
    [
      'Redis round trips per message',
      oneDecimal(redis.roundTripsPerMessage),
      `in sequence: line place, claim, account-hold check (share of messages), rate-limit point, sent SET`,
    ],
    [
      'Redis commands of every message',
      `${whole(redis.perMessageCommandsPerSecond)} /s`,
      `total load × ${REDIS_CALLS_PER_MESSAGE + REDIS_UNAWAITED_CALLS_PER_MESSAGE} (line place, claim, rate-limit point, sent SET; leaving the line)`,
    ],
    [
      'Redis account-hold checks',
      `${whole(redis.accountHoldChecksPerSecond)} /s`,
      `≤ 1 per ${ACCOUNT_HOLD_CHECK_EVERY_MS / 1000} s per tenant and replica, or one per message when rarer`,
    ],
    [
      'Redis pace reads',
      `${whole(redis.paceReadsPerSecond)} /s`,
      `≤ 1 per ${PACE_SYNC_EVERY_MS / 1000} s per tenant and replica, in the background`,
    ],
    ['Redis commands', `${whole(redis.commandsPerSecond)} /s`, 'all three'],
    [
      'ledger records in Redis',
      `${whole(redis.ledgerRecords)} (${storage(redis.ledgerBytes)})`,
      `total load × ${whole(LEDGER_TTL_S)} s kept, ${LEDGER_BYTES_PER_RECORD} bytes each`,
    ],
    ['broker publishes', `${whole(broker.publishesPerSecond)} /s`, 'the work message and its status event, both confirmed'],
    ['broker deliveries', `${whole(broker.deliveriesPerSecond)} /s`, 'the work message, once'],
    ['broker acks', `${whole(broker.acksPerSecond)} /s`, 'the work message, once'],
    ['broker operations', `${whole(broker.operationsPerSecond)} /s`, "publishes + deliveries + acks (not the status event's consumer)"],
  ];
}

const ASSUMPTIONS = [
  'Every message is sent at its first attempt: a retry, a throttled or held message adds a publish to a wait queue, its return and more Redis calls.',
  'CPU per message does not change with the load or the number of replicas; only the service is counted, not RabbitMQ, Redis or the network.',
  'A replica is one Node process: its JavaScript runs on one core, so cores above 1 only help its garbage collector and I/O threads.',
  "The broker spreads each tenant's messages evenly over the replicas; each tenant has one phone number and stays under its limit (80 msg/s by default).",
  'Redis and RabbitMQ capacity per node is not modelled: compare the rates above with what the cluster sustains.',
];

function main(): void {
  const plan = planCapacity(capacityInputFromFlags());
  console.log('Capacity model of the whatsapp-api-service');
  printTable('Inputs', inputRows(plan));
  printTable('Outputs', outputRows(plan));
  console.log('\nAssumptions');
  for (const assumption of ASSUMPTIONS) console.log(`  - ${assumption}`);
}

try {
  main();
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
