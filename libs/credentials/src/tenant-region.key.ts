/** A tenant's account in one vendor region (e.g. a Genesys Cloud org reached through `mypurecloud.ie`). */
export interface TenantRegion {
  tenantId: string;
  region: string;
}

/**
 * `acme@mypurecloud.ie`: readable in logs, and never the same for two different pairs, since each
 * part is URI-encoded and so holds no `@` of its own.
 */
export function tenantRegionKey({ tenantId, region }: TenantRegion): string {
  return `${encodeURIComponent(tenantId)}@${encodeURIComponent(region)}`;
}
