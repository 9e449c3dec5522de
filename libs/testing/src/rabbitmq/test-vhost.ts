import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { queueDepthsOf } from './queue-listing';

const run = promisify(execFile);

export interface TestVhost {
  name: string;
  /** amqp URL of the vhost with the local broker's guest user. */
  url: string;
  /** Closes, from the broker side, every connection of the vhost except those named `keep`. */
  closeConnections(keep: string[]): Promise<number>;
  /** The vhost's queues and the messages in each, as the broker lists them. */
  queueDepths(): Promise<Map<string, number>>;
  dispose(): Promise<void>;
}

/**
 * A throw-away vhost on the local broker, so test runs never see each other's queues nor a running
 * demo's. Needs `rabbitmqctl` (the broker's own CLI) on the PATH.
 */
export async function createTestVhost(prefix = 'test', host = process.env.TEST_RABBITMQ_HOST ?? '127.0.0.1'): Promise<TestVhost> {
  const name = `${prefix}-${process.pid}-${randomBytes(4).toString('hex')}`;
  await run('rabbitmqctl', ['-q', 'add_vhost', name]);
  await run('rabbitmqctl', ['-q', 'set_permissions', '-p', name, 'guest', '.*', '.*', '.*']);
  return {
    name,
    url: `amqp://guest:guest@${host}:5672/${encodeURIComponent(name)}`,
    closeConnections: async (keep) => {
      const { stdout } = await run('rabbitmqctl', ['-s', 'list_connections', 'pid', 'vhost', 'client_properties']);
      const doomed = stdout
        .split('\n')
        .map((line) => line.split('\t'))
        .filter(
          ([pid, connectionVhost, properties]) =>
            pid && connectionVhost === name && !keep.some((kept) => properties?.includes(`{"connection_name","${kept}"}`)),
        );
      for (const [pid] of doomed) await run('rabbitmqctl', ['-q', 'close_connection', pid, 'closed by test']);
      return doomed.length;
    },
    queueDepths: async () => {
      const { stdout } = await run('rabbitmqctl', ['-q', '-s', 'list_queues', '-p', name, 'name', 'messages']);
      return queueDepthsOf(stdout);
    },
    dispose: async () => {
      await run('rabbitmqctl', ['-q', 'delete_vhost', name]).catch(() => undefined);
    },
  };
}
