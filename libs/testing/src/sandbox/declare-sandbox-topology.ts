import * as amqplib from 'amqplib';
import { TopologyDeclarer } from '@lib/messaging/topology/topology-declarer';
import { SandboxTopology } from './sandboxed-service';

/** Declares what a service would declare at start-up, for a service that runs in another process. */
export async function declareSandboxTopology(rabbitmqUrl: string, topology: SandboxTopology): Promise<void> {
  await new TopologyDeclarer(rabbitmqUrl, 10_000).declare(topology.workQueue);
  if (!topology.queues?.length) return;
  const connection = await amqplib.connect(rabbitmqUrl);
  try {
    const channel = await connection.createChannel();
    for (const queue of topology.queues) await channel.assertQueue(queue.name, { durable: true, arguments: queue.arguments });
  } finally {
    await connection.close().catch(() => undefined);
  }
}
