/**
 * How much a flooding tenant delays another tenant. Publishes a burst of FLOOD messages for tenant A
 * (80 msg/s limit) as fast as the broker confirms them while tenant B sends 10 msg/s, and reports B's
 * latency (publish to status event) during the flood, how fast the flood is parked out of the work
 * queue, and how often flood messages were parked.
 *
 *   npm run bench:flood -- --messages 50000 [--flood-rate 1000] [--meta-latency-ms 200]
 *
 * Without --flood-rate the whole burst is published at once (it queues ahead of B); with it, A's
 * messages arrive at that rate, as a misbehaving upstream would send them.
 */
import { createTestVhost, outboundEnvelope } from '@lib/testing';
import * as amqplib from 'amqplib';
import request from 'supertest';
import { EgressSandbox } from '../apps/whatsapp-api-service/sandbox/egress-sandbox';
import { flag } from './support/bench-flags';
import { percentile } from './support/percentile';

const A = { tenantId: 'flooder', phoneNumberId: '700000000000001', accessToken: 'EAAG-flooder', messagesPerSecond: 80 };
const B = { tenantId: 'bystander', phoneNumberId: '700000000000002', accessToken: 'EAAG-bystander', messagesPerSecond: 80 };

async function main(): Promise<void> {
  const floodSize = flag('messages', 50_000);
  const vhost = await createTestVhost('bench-flood');
  const sandbox = await EgressSandbox.start({
    rabbitmqUrl: vhost.url,
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    metaLatencyMs: flag('meta-latency-ms', 200),
  });
  sandbox.addTenant(A);
  sandbox.addTenant(B);
  const connection = await amqplib.connect(vhost.url);
  const channel = await connection.createConfirmChannel();

  const bSent = new Map<string, number>();
  const floodStart = Date.now();
  let published = 0;
  const bystander = setInterval(() => {
    const envelope = outboundEnvelope({ ...B, to: `+4912${String(bSent.size).padStart(9, '0')}` });
    bSent.set(envelope.metadata.internalId, Date.now());
    channel.publish('whatsapp-exchange', `outbound.processed.${B.tenantId}`, Buffer.from(JSON.stringify(envelope)), { persistent: true });
  }, 100);

  const floodRate = flag('flood-rate', 0);
  const batchSize = floodRate > 0 ? Math.max(1, Math.round(floodRate / 20)) : 500;
  while (published < floodSize) {
    const batchStartedAt = Date.now();
    for (let i = 0; i < batchSize && published < floodSize; i += 1, published += 1) {
      const envelope = outboundEnvelope({ ...A, to: `+4911${String(published).padStart(9, '0')}` });
      channel.publish('whatsapp-exchange', `outbound.processed.${A.tenantId}`, Buffer.from(JSON.stringify(envelope)), { persistent: true });
    }
    await channel.waitForConfirms();
    if (floodRate > 0) await new Promise((resolve) => setTimeout(resolve, Math.max(0, 50 - (Date.now() - batchStartedAt))));
  }
  const publishedIn = Date.now() - floodStart;

  let workQueueEmptyAt = 0;
  while (!workQueueEmptyAt) {
    const { messageCount } = await channel.checkQueue('outbound-processed');
    if (messageCount === 0) workQueueEmptyAt = Date.now();
    else await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await new Promise((resolve) => setTimeout(resolve, 2000));
  clearInterval(bystander);

  const latencies: number[] = [];
  for (const [internalId, sentAt] of bSent) {
    const status = sandbox.statusEvents.map((e) => e.json()).find((e) => e.internalId === internalId);
    if (status) latencies.push(Date.parse(status.timestamp) - sentAt);
  }
  latencies.sort((x, y) => x - y);
  const { text } = await request(sandbox.app.getHttpServer()).get('/metrics');
  const parked = Number(/messages_retried_total\{tenant="flooder",category="THROTTLED"\} (\d+)/.exec(text)?.[1] ?? 0);
  const result = {
    floodMessages: floodSize,
    floodRatePerSecond: floodRate || 'burst',
    floodPublishedInMs: publishedIn,
    floodParkedOutOfWorkQueueInMs: workQueueEmptyAt - floodStart,
    parkingThroughputPerSecond: Math.round((floodSize / (workQueueEmptyAt - floodStart)) * 1000),
    floodParkings: parked,
    bystanderMessages: bSent.size,
    bystanderDelivered: latencies.length,
    bystanderLatencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), max: latencies[latencies.length - 1] },
  };
  console.log(JSON.stringify(result, null, 2));
  await connection.close();
  await sandbox.stop();
  await vhost.dispose();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
