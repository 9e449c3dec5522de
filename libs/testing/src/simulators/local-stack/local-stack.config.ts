import { SimulatedGenesysClient } from '../genesys/genesys-oauth.registry';
import { GENESYS_REGIONS, isGenesysRegion } from '@lib/contracts';
import { DEFAULT_API_VERSIONS, SimulatedPhoneNumber } from '../meta/meta-graph.simulator';
import { SimulatedGenesysTenant, SimulatedTenant } from '../tenant-service/tenant-service.simulator';

/** A tenant of the local stack: WhatsApp credentials, Genesys ones, or both. */
export type LocalTenant = SimulatedTenant | SimulatedGenesysTenant;

/** What `npm run simulators` starts, read from its environment variables by `localStackConfig`. */
export interface LocalStackConfig {
  host: string;
  ports: { meta: number; tenantService: number; genesys: number };
  tenantServiceToken: string;
  metaLatencyMs: number;
  metaApiVersions: readonly string[];
  tenants: readonly LocalTenant[];
  /** The tenants' business numbers, as the Meta simulator serves them. */
  metaNumbers: SimulatedPhoneNumber[];
  /** The tenants' Genesys OAuth clients, one per region and client id with all its integrations. */
  genesysClients: SimulatedGenesysClient[];
}

/** Two tenants with both kinds of credentials, their Genesys organizations in two regions. */
export const DEFAULT_LOCAL_TENANTS: readonly SimulatedTenant[] = [
  {
    tenantId: 'acme',
    phoneNumberId: '106540352242922',
    accessToken: 'EAAG-local-acme',
    genesys: {
      region: 'mypurecloud.ie',
      clientId: 'local-acme-client',
      clientSecret: 'local-acme-secret',
      integrationId: '0f3b6c2e-1d4a-4e7b-8c9d-000000000a01',
    },
  },
  {
    tenantId: 'globex',
    phoneNumberId: '106540352242923',
    accessToken: 'EAAG-local-globex',
    messagesPerSecond: 1000,
    genesys: {
      region: 'mypurecloud.de',
      clientId: 'local-globex-client',
      clientSecret: 'local-globex-secret',
      integrationId: '0f3b6c2e-1d4a-4e7b-8c9d-000000000b01',
    },
  },
];

type Env = Record<string, string | undefined>;

/** The local stack from environment variables; an empty variable means its default, a bad one is refused by name. */
export function localStackConfig(env: Env): LocalStackConfig {
  const listed = (env.META_SIM_API_VERSIONS ?? '').split(',').flatMap((version) => (version.trim() ? [version.trim()] : []));
  const tenants = env.SIM_TENANTS ? parseTenants(env.SIM_TENANTS) : DEFAULT_LOCAL_TENANTS;
  return {
    host: env.SIM_HOST || '127.0.0.1',
    ports: {
      meta: port(env, 'META_SIM_PORT', 9090),
      tenantService: port(env, 'TENANT_SIM_PORT', 9091),
      genesys: port(env, 'GENESYS_SIM_PORT', 9092),
    },
    tenantServiceToken: env.TENANT_SERVICE_TOKEN || 'tenant-service-token',
    metaLatencyMs: milliseconds(env, 'META_SIM_LATENCY_MS', 0),
    metaApiVersions: listed.length > 0 ? listed : DEFAULT_API_VERSIONS,
    tenants,
    metaNumbers: tenants.flatMap((tenant) =>
      'phoneNumberId' in tenant && tenant.phoneNumberId !== undefined
        ? [{ phoneNumberId: tenant.phoneNumberId, accessTokens: [tenant.accessToken], messagesPerSecond: tenant.messagesPerSecond }]
        : [],
    ),
    genesysClients: genesysClients(tenants),
  };
}

function port(env: Env, name: string, fallback: number): number {
  const value = env[name] ? Number(env[name]) : fallback;
  if (!Number.isInteger(value) || value < 0 || value > 65_535) throw new Error(`${name} must be a port number from 0 to 65535`);
  return value;
}

function milliseconds(env: Env, name: string, fallback: number): number {
  const value = env[name] ? Number(env[name]) : fallback;
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer of milliseconds`);
  return value;
}

/** Never quotes the input: it holds tokens and client secrets. */
function parseTenants(json: string): LocalTenant[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new Error('SIM_TENANTS is not valid JSON (expected a JSON array of tenants)');
  }
  if (!Array.isArray(parsed) || parsed.length === 0) throw new Error('SIM_TENANTS must be a non-empty JSON array of tenants');
  const tenants = parsed.map((tenant, index) => checkTenant(tenant, `SIM_TENANTS[${index}]`));
  refuseShared(tenants, 'tenantId', (tenant) => tenant.tenantId);
  refuseShared(tenants, 'phoneNumberId', (tenant) => ('phoneNumberId' in tenant ? tenant.phoneNumberId : undefined));
  refuseShared(tenants, 'genesys.integrationId', (tenant) => tenant.genesys?.integrationId);
  return tenants;
}

function checkTenant(tenant: unknown, at: string): LocalTenant {
  if (!isRecord(tenant)) throw new Error(`${at} must be an object`);
  requireString(tenant, 'tenantId', at);
  const whatsApp = tenant.phoneNumberId !== undefined || tenant.accessToken !== undefined;
  if (whatsApp) ['phoneNumberId', 'accessToken'].forEach((field) => requireString(tenant, field, at));
  const { messagesPerSecond } = tenant;
  if (messagesPerSecond !== undefined && !(Number.isInteger(messagesPerSecond) && (messagesPerSecond as number) > 0)) {
    throw new Error(`${at}.messagesPerSecond must be a positive integer`);
  }
  if (tenant.genesys !== undefined) checkGenesys(tenant.genesys, `${at}.genesys`);
  if (!whatsApp && tenant.genesys === undefined) {
    throw new Error(`${at} needs WhatsApp credentials (phoneNumberId, accessToken), Genesys ones (genesys) or both`);
  }
  return tenant as unknown as LocalTenant;
}

function checkGenesys(genesys: unknown, at: string): void {
  if (!isRecord(genesys)) throw new Error(`${at} must be an object`);
  if (typeof genesys.region !== 'string' || !isGenesysRegion(genesys.region)) {
    throw new Error(`${at}.region must be a Genesys Cloud region (${GENESYS_REGIONS.join(', ')})`);
  }
  ['clientId', 'clientSecret', 'integrationId'].forEach((field) => requireString(genesys, field, at));
}

function refuseShared(tenants: LocalTenant[], field: string, valueOf: (tenant: LocalTenant) => string | undefined): void {
  const owners = new Map<string, number>();
  tenants.forEach((tenant, index) => {
    const value = valueOf(tenant);
    if (value === undefined) return;
    const owner = owners.get(value);
    if (owner !== undefined) throw new Error(`SIM_TENANTS[${index}].${field} ${value} is already SIM_TENANTS[${owner}]'s`);
    owners.set(value, index);
  });
}

/** Tenants of one Genesys organization may share its OAuth client: one client, all their integrations. */
function genesysClients(tenants: readonly LocalTenant[]): SimulatedGenesysClient[] {
  const clients = new Map<string, SimulatedGenesysClient & { firstTenant: number }>();
  tenants.forEach((tenant, index) => {
    if (!tenant.genesys) return;
    const { region, clientId, clientSecret, integrationId } = tenant.genesys;
    const client = clients.get(`${region} ${clientId}`);
    if (!client) {
      clients.set(`${region} ${clientId}`, { region, clientId, clientSecret, integrations: [integrationId], firstTenant: index });
      return;
    }
    if (client.clientSecret !== clientSecret) {
      throw new Error(
        `SIM_TENANTS[${index}].genesys.clientSecret differs from SIM_TENANTS[${client.firstTenant}]'s for client ${clientId}`,
      );
    }
    client.integrations.push(integrationId);
  });
  return [...clients.values()].map(({ firstTenant: _firstTenant, ...client }) => client);
}

function requireString(record: Record<string, unknown>, field: string, at: string): void {
  const value = record[field];
  if (typeof value !== 'string' || value.trim() === '') throw new Error(`${at}.${field} must be a non-empty string`);
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
