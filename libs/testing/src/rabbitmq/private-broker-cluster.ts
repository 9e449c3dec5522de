import { PrivateBrokerNode, PrivateBrokerNodeOptions } from './private-broker-node';

/**
 * A RabbitMQ cluster of private nodes on free ports (three by default), joined with `rabbitmqctl
 * join_cluster`, for tests that lose a node. The nodes share the Erlang cookie of the user they run as,
 * as a packaged broker's nodes do. `dispose()` ends every node, killed or not.
 */
export class PrivateBrokerCluster {
  private constructor(readonly nodes: PrivateBrokerNode[]) {}

  /** `options`: every node's. */
  static async start(size = 3, options: PrivateBrokerNodeOptions = {}): Promise<PrivateBrokerCluster> {
    const started = await Promise.allSettled(Array.from({ length: size }, () => PrivateBrokerNode.start(options)));
    const nodes = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    const cluster = new PrivateBrokerCluster(nodes);
    try {
      const failed = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
      if (failed) throw failed.reason;
      const [seed, ...others] = nodes;
      for (const node of others) {
        await node.ctl('stop_app');
        await node.ctl('join_cluster', seed.nodeName);
        await node.startApp();
      }
      const members = JSON.parse(await seed.ctl('cluster_status', '--formatter', 'json')) as { running_nodes: string[] };
      if (members.running_nodes.length !== size) {
        throw new Error(`expected ${size} running nodes, the cluster reports ${members.running_nodes.join(', ')}`);
      }
      return cluster;
    } catch (error) {
      await cluster.dispose();
      throw new Error(`private RabbitMQ cluster did not form: ${(error as Error).message}`, { cause: error });
    }
  }

  /** A vhost (cluster-wide) with full permissions for guest; returns its URL on every node, in node order. */
  async addVhost(name: string): Promise<string[]> {
    await this.nodes[0].addVhost(name);
    return this.vhostUrls(name);
  }

  vhostUrls(vhost: string): string[] {
    return this.nodes.map((node) => node.vhostUrl(vhost));
  }

  /** The node holding the leader of a quorum queue, asked of a node still up. */
  async leaderOf(queue: string, vhost: string, askNode: PrivateBrokerNode = this.nodes[0]): Promise<PrivateBrokerNode> {
    const rows = JSON.parse(await askNode.ctl('list_queues', '-p', vhost, 'name', 'type', 'leader', '--formatter', 'json')) as Array<{
      name: string;
      type: string;
      leader: string;
    }>;
    const row = rows.find((candidate) => candidate.name === queue);
    if (!row) throw new Error(`no queue '${queue}' in vhost '${vhost}'`);
    if (row.type !== 'quorum') throw new Error(`queue '${queue}' is a ${row.type} queue, it has no leader`);
    const leader = this.nodes.find((node) => node.nodeName === row.leader);
    if (!leader) throw new Error(`the leader of '${queue}' is on ${row.leader}, not a node of this cluster`);
    return leader;
  }

  async dispose(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.dispose()));
  }
}
