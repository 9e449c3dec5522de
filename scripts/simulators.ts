/**
 * Runs the Meta Graph API and tenant-service simulators as standalone servers, for running the real
 * service by hand (`npm start`) or in docker compose.
 *
 *   META_SIM_PORT (9090)  TENANT_SIM_PORT (9091)  TENANT_SERVICE_TOKEN (tenant-service-token)
 *   META_SIM_LATENCY_MS (0)  SIM_TENANTS: JSON array of tenants (default: acme and globex)
 *   META_SIM_API_VERSIONS: comma-separated Graph versions served (default: v26.0, v25.0, v24.0, v23.0)
 */
import { DEFAULT_API_VERSIONS, MetaGraphSimulator, SimulatedTenant, TenantServiceSimulator } from '@lib/testing';

const DEFAULT_TENANTS: SimulatedTenant[] = [
  { tenantId: 'acme', phoneNumberId: '106540352242922', accessToken: 'EAAG-local-acme' },
  { tenantId: 'globex', phoneNumberId: '106540352242923', accessToken: 'EAAG-local-globex', messagesPerSecond: 1000 },
];

const numberFrom = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer`);
  return value;
};

async function main(): Promise<void> {
  const tenants: SimulatedTenant[] = process.env.SIM_TENANTS ? JSON.parse(process.env.SIM_TENANTS) : DEFAULT_TENANTS;
  const listed = (process.env.META_SIM_API_VERSIONS ?? '').split(',').flatMap((version) => (version.trim() ? [version.trim()] : []));
  const apiVersions = listed.length > 0 ? listed : DEFAULT_API_VERSIONS;
  const meta = new MetaGraphSimulator({ apiVersions });
  const tenantService = new TenantServiceSimulator(process.env.TENANT_SERVICE_TOKEN ?? 'tenant-service-token');
  meta.latencyMs = numberFrom('META_SIM_LATENCY_MS', 0);
  for (const tenant of tenants) {
    tenantService.addTenant(tenant);
    meta.addPhoneNumber({
      phoneNumberId: tenant.phoneNumberId,
      accessTokens: [tenant.accessToken],
      messagesPerSecond: tenant.messagesPerSecond,
    });
  }
  const host = process.env.SIM_HOST ?? '127.0.0.1';
  await meta.start(numberFrom('META_SIM_PORT', 9090), host);
  await tenantService.start(numberFrom('TENANT_SIM_PORT', 9091), host);
  console.log(
    `Meta Graph API simulator on ${meta.url} (versions ${apiVersions.join(', ')}); tenant service simulator on ${tenantService.url}`,
  );
  console.log(`Tenants: ${tenants.map((t) => `${t.tenantId} (phone-number-id ${t.phoneNumberId})`).join(', ')}`);
  const stop = async () => {
    await Promise.all([meta.stop(), tenantService.stop()]);
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
