import { GenesysRegion } from '@lib/contracts';
import { json, JsonHttpSimulator, JsonRequest, SimulatedAnswer } from '../json-http.simulator';

/** What the tenant service holds for a tenant whatever the credential type asked for. */
interface SimulatedTenantRecord {
  tenantId: string;
  status?: 'active' | 'suspended' | 'expired';
  expiresAt?: string;
  /** Answer 403 instead of a 200 record with a non-active status. */
  forbidden?: boolean;
  /**
   * Fields that replace the well-formed ones of the 200 record of any type (`credentials` is merged into
   * the credentials object): a tenant service whose data for this tenant is broken. `undefined` removes a field.
   */
  malformed?: { record?: Record<string, unknown>; credentials?: Record<string, unknown> };
  /** Answered for `type=genesys`; without it, that type is 404 for this tenant. */
  genesys?: SimulatedGenesysCredentials;
}

/** `type=whatsapp` credentials, kept at the top level of a tenant as before Genesys came. */
interface SimulatedWhatsAppCredentials {
  phoneNumberId: string;
  accessToken: string;
  businessAccountId?: string;
  messagesPerSecond?: number;
}

/** `type=genesys` credentials: one OAuth client of one region, and the Open Messaging integration. */
export interface SimulatedGenesysCredentials {
  region: GenesysRegion;
  clientId: string;
  clientSecret: string;
  integrationId: string;
  rateLimits?: { requestsPerMinute: number; burstSize: number };
}

/** A tenant with WhatsApp credentials, and Genesys ones too when `genesys` is set. */
export interface SimulatedTenant extends SimulatedTenantRecord, SimulatedWhatsAppCredentials {}

/** A tenant with Genesys credentials only: `type=whatsapp` is 404 for it. */
export interface SimulatedGenesysTenant extends SimulatedTenantRecord {
  genesys: SimulatedGenesysCredentials;
}

/** A registered tenant, of either kind; tests may change its fields (rotate a token, move a number). */
export type StoredTenant = SimulatedTenantRecord & Partial<SimulatedWhatsAppCredentials>;

export const TENANT_CREDENTIAL_TYPES = ['whatsapp', 'genesys'] as const;
export type TenantCredentialType = (typeof TENANT_CREDENTIAL_TYPES)[number];

/**
 * `up`: normal; `unavailable`: 503 to every request; `unreachable`: connections reset; `redirect`:
 * every request is answered with `redirect.status` and a `Location` on `redirect.to` (same path and query).
 */
export type TenantServiceMode = 'up' | 'unavailable' | 'unreachable' | 'redirect';

const PATH = /^\/api\/v1\/tenants\/([^/]+)\/credentials$/;

/**
 * The platform's tenant service, as far as egress services use it:
 * `GET /api/v1/tenants/{tenantId}/credentials?type=whatsapp|genesys` with a service bearer token; a
 * tenant may have credentials of either type or both, and asking for a type it lacks is 404. Errors
 * follow the Nest default shape (`{ statusCode, message, error }`) the platform's services use.
 */
export class TenantServiceSimulator extends JsonHttpSimulator {
  readonly tenants = new Map<string, StoredTenant>();
  /** Credential requests received, by tenant id. */
  readonly requestsByTenant = new Map<string, number>();
  mode: TenantServiceMode = 'up';
  /** Where `redirect` mode sends clients. */
  redirect: { status: 301 | 302 | 303 | 307 | 308; to: string } = { status: 302, to: 'http://127.0.0.1:9' };

  constructor(readonly serviceToken = 'tenant-service-token') {
    super();
  }

  addTenant<T extends SimulatedTenant | SimulatedGenesysTenant>(tenant: T): T {
    this.tenants.set(tenant.tenantId, tenant);
    return tenant;
  }

  requestsFor(tenantId: string): number {
    return this.requestsByTenant.get(tenantId) ?? 0;
  }

  /** Credential requests received for all tenants together. */
  get totalRequests(): number {
    return [...this.requestsByTenant.values()].reduce((sum, count) => sum + count, 0);
  }

  protected answer(request: JsonRequest): SimulatedAnswer {
    const match = PATH.exec(request.path);
    if (request.method !== 'GET' || !match) return json(404, nestError(404, `Cannot ${request.method} ${request.path}`));
    const tenantId = decodeURIComponent(match[1]);
    this.requestsByTenant.set(tenantId, this.requestsFor(tenantId) + 1);

    if (this.mode === 'unreachable') return { kind: 'reset' };
    if (this.mode === 'unavailable') return json(503, nestError(503, 'Service Unavailable'));
    if (this.mode === 'redirect') {
      const location = `${this.redirect.to}${request.path}?${request.query.toString()}`;
      return json(this.redirect.status, nestError(this.redirect.status, `Moved to ${location}`), { location });
    }
    if (request.headers.authorization !== `Bearer ${this.serviceToken}`) return json(401, nestError(401, 'Unauthorized'));
    const type = request.query.get('type');
    if (!isTenantCredentialType(type))
      return json(400, nestError(400, `type must be one of the following values: ${TENANT_CREDENTIAL_TYPES.join(', ')}`));

    const tenant = this.tenants.get(tenantId);
    if (!tenant) return json(404, nestError(404, `Tenant ${tenantId} not found`));
    const status = tenant.status ?? 'active';
    if (tenant.forbidden && status !== 'active') return json(403, nestError(403, `Tenant ${tenantId} is ${status}`));
    const credentials = type === 'genesys' ? genesysCredentials(tenant) : whatsappCredentials(tenant);
    if (!credentials) return json(404, nestError(404, `Tenant ${tenantId} has no ${type} credentials`));
    return json(200, {
      tenantId,
      credentialType: type,
      credentials: { ...credentials, ...tenant.malformed?.credentials },
      status,
      ...(tenant.expiresAt ? { expiresAt: tenant.expiresAt } : {}),
      lastValidated: new Date().toISOString(),
      ...tenant.malformed?.record,
    });
  }
}

const isTenantCredentialType = (type: string | null): type is TenantCredentialType =>
  (TENANT_CREDENTIAL_TYPES as readonly (string | null)[]).includes(type);

function whatsappCredentials(tenant: StoredTenant): Record<string, unknown> | undefined {
  if (tenant.phoneNumberId === undefined || tenant.accessToken === undefined) return undefined;
  return {
    systemUserAccessToken: tenant.accessToken,
    phoneNumberId: tenant.phoneNumberId,
    businessAccountId: tenant.businessAccountId ?? `waba-${tenant.tenantId}`,
    rateLimits: { messagesPerSecond: tenant.messagesPerSecond ?? 80, messagesPerDay: 100_000 },
  };
}

function genesysCredentials(tenant: StoredTenant): Record<string, unknown> | undefined {
  if (!tenant.genesys) return undefined;
  const { region, clientId, clientSecret, integrationId, rateLimits } = tenant.genesys;
  return { region, clientId, clientSecret, integrationId, ...(rateLimits ? { rateLimits: { ...rateLimits } } : {}) };
}

const ERROR_NAMES: Record<number, string> = {
  301: 'Moved Permanently',
  302: 'Found',
  303: 'See Other',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  503: 'Service Unavailable',
};

function nestError(statusCode: number, message: string) {
  return { statusCode, message, error: ERROR_NAMES[statusCode] ?? 'Error' };
}
