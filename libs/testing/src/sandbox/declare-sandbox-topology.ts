import { TopologyDeclarer } from '@lib/messaging/topology/topology-declarer';
import { SandboxTopology } from './sandboxed-service';

/** Declares what a service would declare at start-up, for a service that runs in another process. */
export async function declareSandboxTopology(rabbitmqUrl: string, topology: SandboxTopology): Promise<void> {
  const { workQueue, queues = [] } = topology;
  await new TopologyDeclarer(rabbitmqUrl, 10_000).declare({ ...workQueue, durableQueues: [...(workQueue.durableQueues ?? []), ...queues] });
}
