/**
 * Throughput, latency and footprint of the whatsapp-api-service (built, as deployed) against the bare
 * reference (consume, POST, ack: bench/bare-consumer.js), side by side in the same run, same broker, same simulators.
 *
 *   npm run bench -- [--messages 20000] [--meta-latency-ms 200] [--tenants 50] [--prefetch 600] [--rate 0] [--case 0|1] [--runs 1] [--replicas 1]
 *                    [--conversation-length 1] [--back-to-back] [--partitioned] [--profile] [--floor]
 *
 * Cases: 50 tenants with a 70 % text / 20 % template / 10 % media mix, and one tenant with a
 * 1,000 msg/s limit. The overhead is publish to the call's arrival at Meta (the simulator stamps a
 * request as it arrives, as Meta counts it): time in the broker and the consumer; the latency adds the
 * simulated Meta latency, publish to Meta's answer. Read it below saturation (`--rate 500`): at full speed it is mostly queueing. `--runs 3` runs each
 * consumer three times and adds the medians; `--profile` runs the service under `--cpu-prof` and prints where
 * its CPU time went. `--replicas 3` runs three service processes on the same queue (the bare consumer stays one)
 * and reports their aggregate throughput and CPU. `--conversation-length 5` sends five texts to each recipient,
 * spread over the run (`--back-to-back`: one after the other), and reports how many conversations reached Meta in
 * order and how many calls were sent while the one before them was still at Meta. `--partitioned` (with `--replicas N`)
 * gives each replica a partition of its own instead of the shared queue: conversations hashed on `tenantId:recipient`
 * over N partitions, as a consistent-hash exchange in front of N queues would route them. Prints a table and writes
 * bench/results/throughput-<time>.json (and the profiles beside it). `--floor` adds two consumers to each run,
 * bench/nest-floor-consumer.js: the bare consumer's work in the services' shape (Nest, golevelup's handler, two
 * interceptors, a log scope per message), and the same with the I/O the guarantees need (two Redis scripts,
 * a confirmed status event): what the shape costs, what the guarantees' I/O costs, and what is the services' own.
 */
import { conversationOrder, outboundEnvelope, WABA_PAYLOAD_SAMPLES } from '@lib/testing';
import * as amqplib from 'amqplib';
import { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WHATSAPP_OUTBOUND_QUEUE } from '@lib/contracts';
import { ServiceProcess } from '../apps/whatsapp-api-service/sandbox/service-process';
import { startBareConsumer } from './support/bare-consumer-process';
import { BenchConversations } from './support/conversation-order';
import { flag, switchedOn, textFlag } from './support/bench-flags';
import { startBenchStack } from './support/bench-stack';
import { summariseCpuProfile } from './support/cpu-profile-summary';
import { medianOf, mediansOfRuns } from './support/median';
import { percentile } from './support/percentile';
import { ProcessSampler } from './support/process-sampler';

const MESSAGES = flag('messages', 20_000);
const META_LATENCY_MS = flag('meta-latency-ms', 200);
const TENANTS = flag('tenants', 50);
/** In-flight messages for both consumers (RABBITMQ_PREFETCH of the service, PREFETCH of the bare one). */
const PREFETCH = flag('prefetch', 600);
/** Publish at this many msg/s (0: as fast as the broker confirms), e.g. 500 to read the overhead below saturation. */
const RATE = flag('rate', 0);
const ONLY_CASE = flag('case', -1);
const RUNS = flag('runs', 1);
/** Messages published in the first 5 s are left out of the warm overhead. */
const WARM_UP_MS = 5000;
const PROFILE = switchedOn('profile');
/** Service processes consuming the same queue, as replicas do (EXPECTED_REPLICAS set to match). */
const REPLICAS = flag('replicas', 1);
if (!Number.isInteger(REPLICAS) || REPLICAS < 1) throw new Error(`--replicas ${REPLICAS}: expected a whole number of at least 1`);
if (PROFILE && REPLICAS > 1) throw new Error('--profile profiles one service process: use it with --replicas 1');
/** Messages per recipient, as texts: 1 gives every message a conversation of its own. */
const CONVERSATION_LENGTH = flag('conversation-length', 1);
/** With several replicas: how long a message that waited in the queue gathers at the head of its conversation's line. */
const CONVERSATION_GATHER_MS = flag('conversation-gather-ms', 250);
if (!Number.isInteger(CONVERSATION_LENGTH) || CONVERSATION_LENGTH < 1) {
  throw new Error(`--conversation-length ${CONVERSATION_LENGTH}: expected a whole number of at least 1`);
}
/** Each replica consumes a partition of its own (a conversation's messages all go to one) instead of the shared queue. */
const PARTITIONED = switchedOn('partitioned');
/** Also run the Nest floor consumer in each run (`bench/nest-floor-consumer.js`), without and with the guarantees' I/O. */
const FLOOR = switchedOn('floor');
/** A conversation's messages published one after the other instead of spread over the run. */
const BACK_TO_BACK = switchedOn('back-to-back');
const conversations = new BenchConversations(CONVERSATION_LENGTH, MESSAGES, BACK_TO_BACK);
/** Extra options for the service's node, e.g. heap sizes to compare with what `npm start` ships. */
const NODE_FLAGS = textFlag('node-flags').split(' ').filter(Boolean);
const ROOT = join(__dirname, '..');
const PROFILE_DIR = join(ROOT, 'bench/results/profiles');

interface Case {
  name: string;
  tenants: number;
  messagesPerSecond: number;
}

const CASES: Case[] = [
  {
    name:
      CONVERSATION_LENGTH > 1
        ? `${TENANTS} tenants, texts in conversations of ${CONVERSATION_LENGTH}`
        : `${TENANTS} tenants, 70/20/10 text/template/media`,
    tenants: TENANTS,
    messagesPerSecond: 1000,
  },
  { name: '1 tenant at a 1,000 msg/s limit', tenants: 1, messagesPerSecond: 1000 },
];

function payloadFor(index: number, to: string) {
  if (CONVERSATION_LENGTH > 1) return { ...WABA_PAYLOAD_SAMPLES.text(to), text: { body: conversations.textOf(index) } };
  const pick = index % 10;
  if (pick < 7) return WABA_PAYLOAD_SAMPLES.text(to);
  if (pick < 9) return WABA_PAYLOAD_SAMPLES.template(to);
  return WABA_PAYLOAD_SAMPLES.image(to);
}

type Result = Awaited<ReturnType<typeof runOnce>>;
/** One run of a case: the bare consumer, the floor consumers (with `--floor`) and the service, one after the other. */
type Run = { bare: Result; floors: Result[]; service: Result };

/** The partition of a conversation, by a hash of its key as a consistent-hash exchange takes one. */
function partitionOf(conversation: string, partitions: number): number {
  return createHash('md5').update(conversation).digest().readUInt32BE(0) % partitions;
}

const REFERENCE_CONSUMERS = {
  bare: { script: 'bench/bare-consumer.js', env: {} },
  floor: { script: 'bench/nest-floor-consumer.js', env: {} },
  'floor+io': { script: 'bench/nest-floor-consumer.js', env: { FLOOR_IO: '1' } },
};
type Kind = keyof typeof REFERENCE_CONSUMERS | 'service';

async function runOnce(kind: Kind, benchCase: Case) {
  const partitions = kind === 'service' && PARTITIONED ? REPLICAS : 1;
  const stack = await startBenchStack({
    name: `bench-${kind}`,
    tenants: benchCase.tenants,
    messagesPerSecond: benchCase.messagesPerSecond,
    metaLatencyMs: META_LATENCY_MS,
    partitions,
  });
  const { meta, tenants, vhosts } = stack;
  const env = { ...stack.env, RABBITMQ_PREFETCH: String(PREFETCH), PREFETCH: String(PREFETCH) };
  const profileName = `throughput-${Date.now()}.cpuprofile`;
  const nodeArgs = [...NODE_FLAGS, ...(PROFILE ? ['--cpu-prof', '--cpu-prof-dir', PROFILE_DIR, '--cpu-prof-name', profileName] : [])];
  const consumers: Array<{ child: ChildProcess; stop: () => Promise<unknown>; url?: string }> =
    kind === 'service'
      ? await startReplicas(env, nodeArgs, stack.vhosts)
      : [await startBareConsumer(REFERENCE_CONSUMERS[kind].script, { ...env, ...REFERENCE_CONSUMERS[kind].env })];
  const samplers = consumers.map((consumer) => new ProcessSampler(consumer.child.pid!).start());

  const connections = await Promise.all(vhosts.map((vhost) => amqplib.connect(vhost.url)));
  const channels = await Promise.all(connections.map((connection) => connection.createConfirmChannel()));
  const publishedAt = new Map<string, number>();
  const startedAt = Date.now();
  const batchSize = RATE > 0 ? Math.max(1, Math.round(RATE / 20)) : 500;
  for (let i = 0; i < MESSAGES;) {
    // At a set rate, batches leave every 50 ms on schedule; otherwise as fast as the broker confirms.
    if (RATE > 0) await new Promise((resolve) => setTimeout(resolve, Math.max(0, startedAt + (i / RATE) * 1000 - Date.now())));
    for (let batch = 0; batch < batchSize && i < MESSAGES; batch += 1, i += 1) {
      const to = conversations.recipientOf(i);
      const tenant = tenants[Number(to.slice(3)) % tenants.length];
      const envelope = outboundEnvelope({ ...tenant, to, wabaPayload: payloadFor(i, to) });
      publishedAt.set(conversations.keyOf(i), Date.now());
      const channel = channels[partitionOf(`${tenant.tenantId}:${to}`, partitions)];
      channel.publish(WHATSAPP_OUTBOUND_QUEUE.exchange, `outbound.processed.${tenant.tenantId}`, Buffer.from(JSON.stringify(envelope)), {
        persistent: true,
      });
    }
    await Promise.all(channels.map((channel) => channel.waitForConfirms()));
  }
  // Done when every message reached Meta once (the bare consumer does not retry what Meta refused).
  const handled = () => new Set(meta.requests.map((request) => conversations.keyOfCall(request))).size;
  const deadline = Date.now() + 5 * 60_000;
  while (handled() < MESSAGES && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  if (kind === 'service') {
    while (meta.accepted().length < MESSAGES && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const footprint = combinedFootprint(samplers.map((sampler) => sampler.stop()));
  const deliveries = (await Promise.all(consumers.map(deliveriesTo))).reduce((sum, count) => sum + count, 0);

  const perMessage = new Map<string, number>();
  for (const request of meta.accepted()) {
    const key = conversations.keyOfCall(request);
    perMessage.set(key, (perMessage.get(key) ?? 0) + 1);
  }
  const timings = meta.accepted().map((request) => {
    const sentAt = publishedAt.get(conversations.keyOfCall(request)) ?? request.receivedAt;
    return { sentAt, overhead: request.receivedAt - sentAt };
  });
  const overheads = timings.map((timing) => timing.overhead).sort((a, b) => a - b);
  const warm = timings
    .filter((timing) => timing.sentAt - startedAt >= WARM_UP_MS)
    .map((timing) => timing.overhead)
    .sort((a, b) => a - b);
  const latency = (p: number) => percentile(overheads, p) + META_LATENCY_MS;
  const lastReceipt = Math.max(...meta.accepted().map((request) => request.receivedAt));
  const result = {
    kind,
    case: benchCase.name,
    replicas: consumers.length,
    partitions,
    messages: MESSAGES,
    throughputPerSecond: Math.round((meta.accepted().length / (lastReceipt - startedAt)) * 1000),
    latencyMs: { p50: latency(50), p95: latency(95), p99: latency(99) },
    overheadMs: { p50: percentile(overheads, 50), p99: percentile(overheads, 99) },
    /** The same for the messages published after the first WARM_UP_MS (JIT, first connections and credential fetches behind them). */
    warmOverheadMs: { p50: percentile(warm, 50), p99: percentile(warm, 99) },
    /** CPU time of the consumer processes over messages handled. */
    cpuMicrosPerMessage: Math.round((footprint.cpuSeconds * 1e6) / MESSAGES),
    ...footprint,
    lost: MESSAGES - perMessage.size,
    duplicated: [...perMessage.values()].filter((count) => count > 1).length,
    /** With conversations of several messages: how many arrived in order, and calls sent while the one before them was at Meta. */
    order:
      CONVERSATION_LENGTH > 1 ? conversationOrder(meta.accepted(), (call) => conversations.placeOfCall(call), META_LATENCY_MS) : undefined,
    throttledByMeta: meta.requests.filter((request) => request.errorCode === 130429).length,
    /** Deliveries the service handled per message: above 1 when messages went back to the broker to wait (a rate-limit turn, a busy tenant, a retry); 0 for the bare consumer. */
    deliveriesPerMessage: Number((deliveries / MESSAGES).toFixed(2)),
    /** Most tenant-service credential requests any one tenant cost (the cache promises one per TTL). */
    credentialFetchesPerTenant: Math.max(...tenants.map((tenant) => stack.tenantService.requestsFor(tenant.tenantId))),
  };
  await Promise.all(connections.map((connection) => connection.close()));
  await Promise.all(consumers.map((consumer) => consumer.stop()));
  await stack.stop();
  if (kind === 'service' && PROFILE) printProfile(join(PROFILE_DIR, profileName));
  return result;
}

/**
 * `REPLICAS` built service processes, started one after the other: on the same queue, told how many they are;
 * or, partitioned, each alone on its partition's vhost.
 */
async function startReplicas(env: Record<string, string>, nodeArgs: string[], vhosts: Array<{ url: string }>): Promise<ServiceProcess[]> {
  const replicas: ServiceProcess[] = [];
  for (let replica = 0; replica < REPLICAS; replica += 1) {
    const replicaEnv = PARTITIONED
      ? { ...env, RABBITMQ_URL: vhosts[replica].url, EXPECTED_REPLICAS: '1' }
      : { ...env, EXPECTED_REPLICAS: String(REPLICAS), CONVERSATION_GATHER_MS: String(CONVERSATION_GATHER_MS) };
    replicas.push(await ServiceProcess.start(replicaEnv, { built: true, nodeArgs }));
  }
  return replicas;
}

/** Deliveries a service process handled (`messages_consumed_total`, all outcomes); 0 for the bare consumer, which exposes no metrics. */
async function deliveriesTo(consumer: { url?: string }): Promise<number> {
  if (!consumer.url) return 0;
  const metrics = await (await fetch(`${consumer.url}/metrics`)).text();
  return [...metrics.matchAll(/^\w*messages_consumed_total\{[^}]*\} (\d+)$/gm)].reduce((sum, [, count]) => sum + Number(count), 0);
}

/** The consumer processes as one: CPU time and CPU % summed (100 % is one core), the largest process's peak RSS. */
function combinedFootprint(footprints: Array<ReturnType<ProcessSampler['stop']>>): ReturnType<ProcessSampler['stop']> {
  return {
    peakRssMb: Math.max(...footprints.map((footprint) => footprint.peakRssMb)),
    cpuSeconds: footprints.reduce((sum, footprint) => sum + footprint.cpuSeconds, 0),
    cpuPercent: footprints.reduce((sum, footprint) => sum + footprint.cpuPercent, 0),
  };
}

function printProfile(file: string): void {
  const { byOrigin, byFunction } = summariseCpuProfile(file);
  console.log(`CPU profile of the service: ${file}`);
  console.table(byOrigin.map(({ name, percent }) => ({ 'self time by origin': name, '% of busy': percent })));
  console.table(byFunction.map(({ name, percent }) => ({ 'self time by function': name, '% of busy': percent })));
}

const WORST_FIGURES = ['lost', 'duplicated', 'throttledByMeta', 'credentialFetchesPerTenant'];

async function main(): Promise<void> {
  const results = [];
  const rows = [];
  const ratioOf = (service: Result, bare: Result) => Number((service.throughputPerSecond / bare.throughputPerSecond).toFixed(2));
  for (const benchCase of ONLY_CASE >= 0 ? [CASES[ONLY_CASE]] : CASES) {
    const runs: Run[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      const bare = await runOnce('bare', benchCase);
      const floors = FLOOR ? [await runOnce('floor', benchCase), await runOnce('floor+io', benchCase)] : [];
      runs.push({ bare, floors, service: await runOnce('service', benchCase) });
    }
    const rowsOf = (run: number | string, { bare, floors, service }: Run) => [
      { run, ...flatten(bare), ratio: '' },
      ...[...floors, service].map((result) => ({ run, ...flatten(result), ratio: `${ratioOf(result, bare)} × bare` })),
    ];
    rows.push(...runs.flatMap((run, i) => rowsOf(i + 1, run)));
    const { bare, service } = mediansOfRuns(runs, WORST_FIGURES);
    const floorRuns = (i: number) => runs.map((run) => run.floors[i]);
    const floors = runs[0].floors.map((_, i) => medianOf(floorRuns(i), WORST_FIGURES));
    if (RUNS > 1) rows.push(...rowsOf('median', { bare, floors, service }));
    results.push({ case: benchCase.name, runs, median: { bare, floors, service }, ratio: ratioOf(service, bare) });
  }
  console.table(rows);
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  const file = join(ROOT, `bench/results/throughput-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(
    file,
    JSON.stringify(
      {
        metaLatencyMs: META_LATENCY_MS,
        messages: MESSAGES,
        prefetch: PREFETCH,
        rate: RATE,
        replicas: REPLICAS,
        partitioned: PARTITIONED,
        conversationLength: CONVERSATION_LENGTH,
        results,
      },
      null,
      2,
    ),
  );
  console.log(`Written to ${file}`);
}

function flatten(result: Result) {
  return {
    case: result.case,
    kind: result.kind,
    replicas: result.partitions > 1 ? `${result.replicas} (partitioned)` : result.replicas,
    'msg/s': result.throughputPerSecond,
    'p50 ms': result.latencyMs.p50,
    'p95 ms': result.latencyMs.p95,
    'p99 ms': result.latencyMs.p99,
    'overhead p50': result.overheadMs.p50,
    'overhead p99': result.overheadMs.p99,
    'warm overhead p50/p99': `${result.warmOverheadMs.p50}/${result.warmOverheadMs.p99}`,
    'peak RSS MB': result.peakRssMb,
    'CPU %': result.cpuPercent,
    'CPU µs/msg': result.cpuMicrosPerMessage,
    lost: result.lost,
    duplicated: result.duplicated,
    '130429': result.throttledByMeta,
    'deliveries / msg': result.deliveriesPerMessage,
    'cred. fetches / tenant': result.credentialFetchesPerTenant,
    ...(result.order
      ? {
          'in order': `${result.order.conversations - result.order.outOfOrder.length}/${result.order.conversations}`,
          'sent in flight': result.order.overlapping.length,
        }
      : {}),
  };
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
