/**
 * Genesys Cloud environments, from the SDK's region hosts: the API is `api.{environment}`, the login
 * `login.{environment}`. A tenant's region must be one of them: the client secret and the tenant's
 * tokens go to no host built from any other value. Shared by the genesys service and its simulator.
 */
export const GENESYS_REGIONS = [
  'mypurecloud.com',
  'use2.us-gov-pure.cloud',
  'usw2.pure.cloud',
  'cac1.pure.cloud',
  'sae1.pure.cloud',
  'mxc1.pure.cloud',
  'mypurecloud.ie',
  'euw2.pure.cloud',
  'mypurecloud.de',
  'euc2.pure.cloud',
  'edee1.eusc-pure.cloud',
  'mec1.pure.cloud',
  'aps1.pure.cloud',
  'mypurecloud.jp',
  'apne2.pure.cloud',
  'apne3.pure.cloud',
  'apse1.pure.cloud',
  'mypurecloud.com.au',
] as const;

export type GenesysRegion = (typeof GENESYS_REGIONS)[number];

const REGIONS: ReadonlySet<string> = new Set(GENESYS_REGIONS);

/** Exactly a listed environment: no case folding, trimming or prefix, so a lookalike host never passes. */
export function isGenesysRegion(value: unknown): value is GenesysRegion {
  return typeof value === 'string' && REGIONS.has(value);
}
