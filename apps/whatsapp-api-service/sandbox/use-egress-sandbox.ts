import { TestVhost, useServiceSandbox } from '@lib/testing';
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
  return useServiceSandbox(vhostPrefix, async (vhost) => {
    const sandbox = await EgressSandbox.start({ ...options, rabbitmqUrl: vhost.url });
    for (const tenant of tenants) sandbox.addTenant(tenant);
    return sandbox;
  });
}
