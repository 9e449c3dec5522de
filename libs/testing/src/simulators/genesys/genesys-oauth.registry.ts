import { randomBytes } from 'node:crypto';
import { GenesysRegion } from '@lib/contracts';

/** The permissions the Open Messaging endpoints need (fact sheet §1.1, §1.3). */
export const GENESYS_PERMISSIONS = ['conversation:message:receive', 'conversation:message:view'] as const;
export type GenesysPermission = (typeof GENESYS_PERMISSIONS)[number];

/** An OAuth client-credentials client of one organization in one region. */
export interface SimulatedGenesysClient {
  region: GenesysRegion;
  clientId: string;
  clientSecret: string;
  /** Token lifetime `expires_in`; Genesys allows 300–172,800 s and defaults to 86,400 (§3.1). Shorter is allowed here for tests. */
  expiresInS?: number;
  /** The organization's Open Messaging integrations this client may post to. */
  integrations: string[];
  /** The client role's permissions; both by default. */
  permissions?: GenesysPermission[];
  /** Requests a token may make in a sliding minute; Genesys: 300 (§4.1). */
  requestsPerMinute?: number;
}

export type RegisteredClient = Required<SimulatedGenesysClient>;

export type ClientAuthentication = { client: RegisteredClient } | { clientId?: string; description: string };

interface IssuedToken {
  client: RegisteredClient;
  expiresAt: number;
}

const DEFAULT_EXPIRES_IN_S = 86_400;
const DEFAULT_REQUESTS_PER_MINUTE = 300;

/** Clients per region, the tokens they were issued, and which integration belongs to which region. */
export class GenesysOAuthRegistry {
  private readonly clients = new Map<string, RegisteredClient>();
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly integrationRegions = new Map<string, GenesysRegion>();

  addClient(client: SimulatedGenesysClient): RegisteredClient {
    const expiresInS = client.expiresInS ?? DEFAULT_EXPIRES_IN_S;
    const requestsPerMinute = client.requestsPerMinute ?? DEFAULT_REQUESTS_PER_MINUTE;
    if (!Number.isInteger(expiresInS) || expiresInS < 1) throw new Error(`expiresInS must be a positive integer (got ${expiresInS})`);
    if (!Number.isInteger(requestsPerMinute) || requestsPerMinute < 1) {
      throw new Error(`requestsPerMinute must be a positive integer (got ${requestsPerMinute})`);
    }
    // Integration ids are organization-wide UUIDs: one cannot live in two regions.
    for (const integrationId of client.integrations) {
      const region = this.integrationRegions.get(integrationId);
      if (region && region !== client.region) throw new Error(`integration ${integrationId} is already registered in ${region}`);
    }
    const registered: RegisteredClient = {
      ...client,
      expiresInS,
      requestsPerMinute,
      integrations: [...client.integrations],
      permissions: [...(client.permissions ?? GENESYS_PERMISSIONS)],
    };
    this.clients.set(key(client.region, client.clientId), registered);
    for (const integrationId of client.integrations) this.integrationRegions.set(integrationId, client.region);
    return registered;
  }

  /** Checks `Authorization: Basic base64(clientId:clientSecret)` against the clients of `region`. */
  authenticate(region: GenesysRegion, authorization: string | undefined): ClientAuthentication {
    const encoded = /^Basic ([A-Za-z0-9+/=]+)$/.exec(authorization ?? '')?.[1];
    if (!encoded) return { description: 'client authentication by HTTP Basic is required' };
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 1) return { description: 'malformed client credentials' };
    const clientId = decoded.slice(0, colon);
    const client = this.clients.get(key(region, clientId));
    // One answer for an unknown client and a wrong secret: the login host does not tell them apart.
    if (!client || client.clientSecret !== decoded.slice(colon + 1)) return { clientId, description: 'Bad client credentials' };
    return { client };
  }

  issue(client: RegisteredClient, now: number): { access_token: string; token_type: 'bearer'; expires_in: number } {
    const token = randomBytes(48).toString('base64url');
    this.tokens.set(token, { client, expiresAt: now + client.expiresInS * 1000 });
    return { access_token: token, token_type: 'bearer', expires_in: client.expiresInS };
  }

  /** The client a live token of this region was issued to; undefined for an unknown, expired or other-region token. */
  resolve(region: GenesysRegion, token: string, now: number): RegisteredClient | undefined {
    const issued = this.tokens.get(token);
    if (!issued || issued.client.region !== region || now >= issued.expiresAt) return undefined;
    return issued.client;
  }

  /** Ends every token issued so far (to one client when given), as if they had expired. */
  expireTokens(filter: { region?: GenesysRegion; clientId?: string } = {}): string[] {
    const expired: string[] = [];
    for (const [token, issued] of this.tokens) {
      if (filter.region && issued.client.region !== filter.region) continue;
      if (filter.clientId && issued.client.clientId !== filter.clientId) continue;
      this.tokens.delete(token);
      expired.push(token);
    }
    return expired;
  }

  revokeToken(token: string): void {
    this.tokens.delete(token);
  }

  /** The region an integration was registered in. */
  integrationRegion(integrationId: string): GenesysRegion | undefined {
    return this.integrationRegions.get(integrationId);
  }
}

const key = (region: GenesysRegion, clientId: string) => `${region}\u0000${clientId}`;
