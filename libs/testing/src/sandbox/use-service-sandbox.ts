import { createTestVhost, TestVhost } from '../rabbitmq/test-vhost';

/**
 * For a spec file: a throw-away vhost and a sandbox on it for the whole file, started by `start`
 * (any sandbox: the generic one or an app's), stopped and the vhost deleted afterwards. Returns an
 * accessor, valid inside tests.
 */
export function useServiceSandbox<T extends { stop(): Promise<void> }>(
  vhostPrefix: string,
  start: (vhost: TestVhost) => Promise<T>,
): (() => T) & { vhost: () => TestVhost } {
  let vhost: TestVhost | undefined;
  let sandbox: T | undefined;

  beforeAll(async () => {
    vhost = await createTestVhost(vhostPrefix);
    sandbox = await start(vhost);
  });

  afterAll(async () => {
    try {
      await sandbox?.stop();
    } finally {
      await vhost?.dispose();
    }
  });

  const current = () => {
    if (!sandbox) throw new Error('the sandbox is only available inside tests');
    return sandbox;
  };
  const currentVhost = () => {
    if (!vhost) throw new Error('the vhost is only available inside tests');
    return vhost;
  };
  return Object.assign(current, { vhost: currentVhost });
}
