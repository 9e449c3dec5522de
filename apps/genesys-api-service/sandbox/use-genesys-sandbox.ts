import { TestVhost, useServiceSandbox } from '@lib/testing';
import { GenesysSandbox, GenesysSandboxOptions, GenesysSandboxTenant } from './genesys-sandbox';

/**
 * For a spec file: a throw-away vhost and the service in a sandbox for the whole file, with `tenants`
 * registered, torn down afterwards. Returns an accessor, valid inside tests.
 */
export function useGenesysSandbox(
  vhostPrefix: string,
  options: Omit<GenesysSandboxOptions, 'rabbitmqUrl'> = {},
  tenants: GenesysSandboxTenant[] = [],
): (() => GenesysSandbox) & { vhost: () => TestVhost } {
  return useServiceSandbox(vhostPrefix, async (vhost) => {
    const sandbox = await GenesysSandbox.start({ ...options, rabbitmqUrl: vhost.url });
    for (const tenant of tenants) sandbox.addTenant(tenant);
    return sandbox;
  });
}
