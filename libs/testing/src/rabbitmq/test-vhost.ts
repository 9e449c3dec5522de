import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestVhost {
  name: string;
  /** amqp URL of the vhost with the local broker's guest user. */
  url: string;
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
    dispose: async () => {
      await run('rabbitmqctl', ['-q', 'delete_vhost', name]).catch(() => undefined);
    },
  };
}
