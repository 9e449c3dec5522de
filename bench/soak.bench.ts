/**
 * The FRD's load test: 10 tenants, 50 msg/s for 10 minutes through the built service, Meta at 200 ms.
 * Passes when under 1 % of messages fail, p95 from publish to status event is under 3 s, nothing is
 * lost or sent twice, and memory is flat (the slope of RSS over the second half of the run).
 *
 *   npm run bench:soak -- [--duration 10m] [--rate 50] [--tenants 10] [--meta-latency-ms 200]
 */
import { BrokerProbe, outboundEnvelope } from '@lib/testing';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WHATSAPP_OUTBOUND_QUEUE } from '@lib/contracts';
import { ServiceProcess } from '../apps/whatsapp-api-service/sandbox/service-process';
import { flag } from './support/bench-flags';
import { startBenchStack } from './support/bench-stack';
import { percentile } from './support/percentile';
import { ProcessSampler } from './support/process-sampler';

const DURATION_MS = flag('duration', 10 * 60_000);
const RATE = flag('rate', 50);
const TENANTS = flag('tenants', 10);
const META_LATENCY_MS = flag('meta-latency-ms', 200);
const ROOT = join(__dirname, '..');

/** Least-squares slope of RSS over time, in MB per hour. */
function rssSlopeMbPerHour(samples: Array<{ atMs: number; rssBytes: number }>): number {
  const n = samples.length;
  if (n < 2) return 0;
  const meanT = samples.reduce((sum, s) => sum + s.atMs, 0) / n;
  const meanR = samples.reduce((sum, s) => sum + s.rssBytes, 0) / n;
  const covariance = samples.reduce((sum, s) => sum + (s.atMs - meanT) * (s.rssBytes - meanR), 0);
  const variance = samples.reduce((sum, s) => sum + (s.atMs - meanT) ** 2, 0);
  return (covariance / variance) * (3_600_000 / 1_048_576);
}

async function main(): Promise<void> {
  const stack = await startBenchStack({ name: 'bench-soak', tenants: TENANTS, messagesPerSecond: 80, metaLatencyMs: META_LATENCY_MS });
  const service = await ServiceProcess.start(stack.env, { built: true });
  const sampler = new ProcessSampler(service.child.pid!).start(1000);
  const probe = await BrokerProbe.connect(stack.vhost.url);
  const statusEvents = await probe.watch(WHATSAPP_OUTBOUND_QUEUE.exchange, 'outbound.status.*');

  const publishedAt = new Map<string, number>();
  const startedAt = Date.now();
  let published = 0;
  while (Date.now() - startedAt < DURATION_MS) {
    const due = Math.floor(((Date.now() - startedAt) / 1000) * RATE);
    for (; published < due; published += 1) {
      const tenant = stack.tenants[published % stack.tenants.length];
      const envelope = outboundEnvelope({ ...tenant, to: `+49${String(published).padStart(10, '0')}` });
      publishedAt.set(envelope.metadata.internalId, Date.now());
      await probe.publish(WHATSAPP_OUTBOUND_QUEUE.exchange, `outbound.processed.${tenant.tenantId}`, envelope);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const settleBy = Date.now() + 60_000;
  while (statusEvents.length < published && Date.now() < settleBy) await new Promise((resolve) => setTimeout(resolve, 200));
  const footprint = sampler.stop();

  const events = statusEvents.map((message) => ({ ...message.json(), receivedAt: message.receivedAt }));
  const outcomes = new Map(events.map((event) => [event.internalId as string, event]));
  const latencies = [...outcomes.values()].map((event) => event.receivedAt - publishedAt.get(event.internalId)!).sort((a, b) => a - b);
  const failed = [...outcomes.values()].filter((event) => event.status !== 'sent').length;
  const perRecipient = new Map<string, number>();
  for (const request of stack.meta.accepted()) perRecipient.set(request.body.to, (perRecipient.get(request.body.to) ?? 0) + 1);
  const secondHalf = sampler.rssSamples.filter((sample) => sample.atMs >= DURATION_MS / 2);
  const result = {
    durationSeconds: DURATION_MS / 1000,
    rate: RATE,
    tenants: TENANTS,
    published,
    sent: outcomes.size - failed,
    failed,
    lost: published - outcomes.size,
    duplicated: [...perRecipient.values()].filter((count) => count > 1).length,
    errorRatePercent: Number(((100 * (failed + published - outcomes.size)) / published).toFixed(2)),
    latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99) },
    rssMb: {
      start: Math.round(sampler.rssSamples[0].rssBytes / 1_048_576),
      peak: footprint.peakRssMb,
      end: Math.round(sampler.rssSamples.at(-1)!.rssBytes / 1_048_576),
    },
    rssSlopeSecondHalfMbPerHour: Number(rssSlopeMbPerHour(secondHalf).toFixed(1)),
    cpuPercent: footprint.cpuPercent,
  };
  const checks = {
    'error rate < 1 %': result.errorRatePercent < 1,
    'p95 < 3 s': result.latencyMs.p95 < 3000,
    'nothing lost or sent twice': result.lost === 0 && result.duplicated === 0,
    // Under 5 minutes the GC's sawtooth dominates the slope; the flat-memory check needs the full soak.
    ...(DURATION_MS >= 5 * 60_000 ? { 'RSS flat (second-half slope < 50 MB/h)': result.rssSlopeSecondHalfMbPerHour < 50 } : {}),
  };
  await probe.close();
  await service.stop();
  await stack.stop();

  const { latencyMs, rssMb, ...counts } = result;
  console.table([{ ...counts, ...prefixed('latency ms', latencyMs), ...prefixed('RSS MB', rssMb) }]);
  console.table(Object.entries(checks).map(([check, passed]) => ({ check, passed })));
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  const file = join(ROOT, `bench/results/soak-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ metaLatencyMs: META_LATENCY_MS, result, checks }, null, 2));
  console.log(`Written to ${file}`);
  if (Object.values(checks).includes(false)) process.exitCode = 1;
}

function prefixed(prefix: string, values: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [`${prefix} ${key}`, value]));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
