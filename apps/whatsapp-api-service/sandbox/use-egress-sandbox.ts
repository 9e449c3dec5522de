import { createTestVhost, TestVhost } from '@lib/testing';
import { EgressSandbox, SandboxOptions, SandboxTenant } from './egress-sandbox';

type Tenant = SandboxTenant & { status?: 'active' | 'suspended' | 'expired'; messagesPerSecond?: number };

/**
 * For a spec file: a throw-away vhost and the service in a sandbox for the whole file, with `tenants`
 * registered, torn down afterwards. Returns an accessor, valid inside tests.
 */
export function useEgressSandbox(
  vhostPrefix: string,
  options: Omit<SandboxOptions, 'rabbitmqUrl'> = {},
  tenants: Tenant[] = [],
): (() => EgressSandbox) & { vhost: () => TestVhost } {
  let vhost: TestVhost | undefined;
  let sandbox: EgressSandbox | undefined;

  beforeAll(async () => {
    vhost = await createTestVhost(vhostPrefix);
    sandbox = await EgressSandbox.start({ ...options, rabbitmqUrl: vhost.url });
    for (const tenant of tenants) sandbox.addTenant(tenant);
  });

  afterAll(async () => {
    await sandbox?.stop();
    await vhost?.dispose();
  });

  const current = () => {
    if (!sandbox) throw new Error('the sandbox is only available inside tests');
    return sandbox;
  };
  return Object.assign(current, { vhost: () => vhost! });
}
