import { GenesysSandboxTenant } from '../../../apps/genesys-api-service/sandbox/genesys-sandbox';
import { FaultRig } from './fault-rig';
import { GenesysFaultRig } from './genesys-fault-rig';
import { ChaosTenant, WhatsappFaultRig } from './whatsapp-fault-rig';

export interface CaseRigOptions {
  rabbitmqUrl: string;
  redisUrl: string;
  vendorLatencyMs: number;
  /** The service's timeout of one vendor call. */
  vendorTimeoutMs: number;
  /** The scenario's settings every service shares (handler timeout, retry delays, breaker). */
  env: Record<string, string>;
}

/** One service a scenario runs against: how to start its rig, and the row its run adds to the table. */
export interface ChaosCase {
  service: string;
  /** Whose log says what was sent: `Meta`, `Genesys`. */
  vendor: string;
  start(options: CaseRigOptions): Promise<FaultRig>;
  /** The scenario's row name for this service. */
  row(scenario: string): string;
}

/** The whatsapp-api-service against the Meta simulator; its rows keep the suite's original names. */
export const whatsappCase = (tenants: ChaosTenant[]): ChaosCase => ({
  service: 'whatsapp-api-service',
  vendor: 'Meta',
  start: ({ vendorLatencyMs, vendorTimeoutMs, env, ...rest }) =>
    WhatsappFaultRig.start({
      ...rest,
      metaLatencyMs: vendorLatencyMs,
      tenants,
      env: { META_API_TIMEOUT_MS: String(vendorTimeoutMs), ...env },
    }),
  row: (scenario) => scenario,
});

/** The genesys-api-service against the Genesys Cloud simulator. */
export const genesysCase = (tenants: GenesysSandboxTenant[]): ChaosCase => ({
  service: 'genesys-api-service',
  vendor: 'Genesys',
  start: ({ vendorLatencyMs, vendorTimeoutMs, env, ...rest }) =>
    GenesysFaultRig.start({
      ...rest,
      genesysLatencyMs: vendorLatencyMs,
      tenants,
      env: { GENESYS_TIMEOUT_MS: String(vendorTimeoutMs), ...env },
    }),
  row: (scenario) => `${scenario} (genesys-api-service)`,
});
