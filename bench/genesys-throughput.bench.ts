/**
 * Throughput, latency and footprint of the genesys-api-service (built, as deployed) against the bare
 * reference (consume, POST to Open Messaging, ack: bench/bare-genesys-consumer.js), side by side in the
 * same run, same broker, same simulators.
 *
 *   npm run bench:genesys -- [--messages 10000] [--genesys-latency-ms 200] [--tenants 400] [--runs 1] [--rate 0] [--burst 0]
 *
 * Each tenant's token is held by the Genesys simulator to 300 requests a minute, and the service paces
 * each tenant at its record's limit (none given: Genesys's 300 a minute, a burst of 10): 400 tenants can
 * send 2,000 msg/s at most. Every message comes from a customer of its own (no conversation orders them).
 * Latency is publish to Genesys's answer (the simulator records a request once its latency has passed);
 * the overhead is that minus the simulated latency: time in the broker and the consumer. `--runs 3` runs
 * each consumer three times and reports the medians. Prints a table and writes
 * bench/results/genesys-throughput-<time>.json.
 */
import { inboundEnvelope, ServiceProcess } from '@lib/testing';
import { genesysInboundRoutingKey, GENESYS_INBOUND_QUEUE } from '@lib/contracts';
import * as amqplib from 'amqplib';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GENESYS_ENTRY_POINT } from '../apps/genesys-api-service/sandbox/genesys-sandboxed-service';
import { startBareConsumer } from './support/bare-consumer-process';
import { flag } from './support/bench-flags';
import { startGenesysBenchStack } from './support/genesys-bench-stack';
import { mediansOfRuns } from './support/median';
import { percentile } from './support/percentile';
import { ProcessSampler } from './support/process-sampler';

const MESSAGES = flag('messages', 10_000);
const GENESYS_LATENCY_MS = flag('genesys-latency-ms', 200);
const TENANTS = flag('tenants', 400);
const RUNS = flag('runs', 1);
/** `rateLimits.burstSize` of every tenant record (at 300 a minute); 0: records without rateLimits, the service's default burst of 10. */
const BURST = flag('burst', 0);
/** Publish at this many msg/s (0: as fast as the broker confirms), to read the overhead below saturation. */
const RATE = flag('rate', 0);
/** In-flight messages for both consumers: the service's default RABBITMQ_PREFETCH. */
const PREFETCH = 600;
const ROOT = join(__dirname, '..');

type Kind = 'bare' | 'service';
type Result = Awaited<ReturnType<typeof runOnce>>;

async function runOnce(kind: Kind) {
  const stack = await startGenesysBenchStack({
    name: `bench-genesys-${kind}`,
    tenants: TENANTS,
    genesysLatencyMs: GENESYS_LATENCY_MS,
    burstSize: BURST || undefined,
  });
  const { genesys, tenants, vhost } = stack;
  const env = { ...stack.env, PREFETCH: String(PREFETCH), LOG_LEVEL: 'warn' };
  const consumer =
    kind === 'bare'
      ? await startBareConsumer('bench/bare-genesys-consumer.js', env)
      : await ServiceProcess.start(GENESYS_ENTRY_POINT, env, { built: true });
  const sampler = new ProcessSampler(consumer.child.pid!).start();

  const connection = await amqplib.connect(vhost.url);
  const channel = await connection.createConfirmChannel();
  const publishedAt = new Map<string, number>();
  const startedAt = Date.now();
  const batchSize = RATE > 0 ? Math.max(1, Math.round(RATE / 20)) : 500;
  for (let i = 0; i < MESSAGES;) {
    if (RATE > 0) await new Promise((resolve) => setTimeout(resolve, Math.max(0, startedAt + (i / RATE) * 1000 - Date.now())));
    for (let batch = 0; batch < batchSize && i < MESSAGES; batch += 1, i += 1) {
      const { tenantId } = tenants[i % tenants.length];
      const envelope = inboundEnvelope({ tenantId, from: `49151${String(i).padStart(8, '0')}`, text: 'Where is my order?' });
      publishedAt.set(envelope.metadata.whatsapp_message_id, Date.now());
      channel.publish(GENESYS_INBOUND_QUEUE.exchange, genesysInboundRoutingKey(tenantId), Buffer.from(JSON.stringify(envelope)), {
        persistent: true,
      });
    }
    await channel.waitForConfirms();
  }
  const messageIdOf = (request: { body?: unknown }) => (request.body as { channel?: { messageId?: string } })?.channel?.messageId;
  const accepted = () => genesys.accepted().filter((request) => publishedAt.has(messageIdOf(request) ?? ''));
  const deadline = Date.now() + 5 * 60_000;
  while (new Set(accepted().map(messageIdOf)).size < MESSAGES && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const footprint = sampler.stop();

  const calls = accepted();
  const perMessage = new Map<string, number>();
  for (const request of calls) perMessage.set(messageIdOf(request)!, (perMessage.get(messageIdOf(request)!) ?? 0) + 1);
  const latencies = calls.map((request) => request.receivedAt - publishedAt.get(messageIdOf(request)!)!).sort((a, b) => a - b);
  const lastAnswer = Math.max(...calls.map((request) => request.receivedAt));
  const result = {
    kind,
    throughputPerSecond: Math.round((perMessage.size / (lastAnswer - startedAt)) * 1000),
    latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99) },
    overheadMs: {
      p50: percentile(latencies, 50) - GENESYS_LATENCY_MS,
      p95: percentile(latencies, 95) - GENESYS_LATENCY_MS,
      p99: percentile(latencies, 99) - GENESYS_LATENCY_MS,
    },
    cpuMicrosPerMessage: Math.round((footprint.cpuSeconds * 1e6) / MESSAGES),
    ...footprint,
    lost: MESSAGES - perMessage.size,
    duplicated: [...perMessage.values()].filter((count) => count > 1).length,
    answered429: genesys.requests.filter((request) => request.status === 429).length,
    tokenRequests: genesys.requests.filter((request) => request.endpoint === 'token').length,
  };
  await connection.close();
  await consumer.stop();
  await stack.stop();
  return result;
}

const WORST_FIGURES = ['lost', 'duplicated', 'answered429', 'tokenRequests'];

function row(label: string, result: Result, ratio: string) {
  return {
    run: label,
    kind: result.kind,
    'msg/s': result.throughputPerSecond,
    'p50 ms': result.latencyMs.p50,
    'p95 ms': result.latencyMs.p95,
    'p99 ms': result.latencyMs.p99,
    'overhead p50/p95/p99': `${result.overheadMs.p50}/${result.overheadMs.p95}/${result.overheadMs.p99}`,
    'CPU µs/msg': result.cpuMicrosPerMessage,
    'peak RSS MB': result.peakRssMb,
    lost: result.lost,
    dup: result.duplicated,
    '429s': result.answered429,
    tokens: result.tokenRequests,
    ratio,
  };
}

async function main(): Promise<void> {
  const runs: { bare: Result; service: Result }[] = [];
  for (let run = 0; run < RUNS; run += 1) runs.push({ bare: await runOnce('bare'), service: await runOnce('service') });
  const { bare, service } = mediansOfRuns(runs, WORST_FIGURES);
  const ratio = (s: Result, b: Result) => `${(s.throughputPerSecond / b.throughputPerSecond).toFixed(2)} × bare`;
  const rows = runs.flatMap((r, i) => [row(`${i + 1}`, r.bare, ''), row(`${i + 1}`, r.service, ratio(r.service, r.bare))]);
  if (RUNS > 1) rows.push(row('median', bare, ''), row('median', service, ratio(service, bare)));
  console.table(rows);
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  const file = join(ROOT, `bench/results/genesys-throughput-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  const settings = {
    messages: MESSAGES,
    tenants: TENANTS,
    genesysLatencyMs: GENESYS_LATENCY_MS,
    prefetch: PREFETCH,
    rate: RATE,
    burst: BURST,
  };
  writeFileSync(file, JSON.stringify({ ...settings, runs, median: { bare, service } }, null, 2));
  console.log(`Written to ${file}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
