/**
 * Runs the Meta Graph API, Genesys Cloud and tenant-service simulators as standalone servers, for running
 * the real services by hand or in docker compose. Every variable is optional (defaults in brackets):
 *
 *   META_SIM_PORT (9090)  TENANT_SIM_PORT (9091)  GENESYS_SIM_PORT (9092)  SIM_HOST (127.0.0.1)
 *   TENANT_SERVICE_TOKEN (tenant-service-token)  META_SIM_LATENCY_MS (0)
 *   META_SIM_API_VERSIONS: comma-separated Graph versions served (default: v26.0, v25.0, v24.0, v23.0)
 *   SIM_TENANTS: JSON array of tenants, each with WhatsApp credentials, Genesys ones (`genesys`) or both
 *   (default: acme and globex with both)
 */
import { LocalSimulators, localStackConfig } from '@lib/testing';

async function main(): Promise<void> {
  const simulators = await LocalSimulators.start(localStackConfig(process.env));
  for (const line of simulators.summary()) console.log(line);
  const stop = async () => {
    await simulators.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
