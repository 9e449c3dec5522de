/**
 * Genesys Cloud environments: the API is `https://api.{region}`, the login `https://login.{region}`.
 * From the Genesys JS SDK's region hosts; a tenant's client secret is sent to no other host.
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

export function isGenesysRegion(v: unknown): v is GenesysRegion {
  return typeof v === 'string' && (GENESYS_REGIONS as readonly string[]).includes(v);
}
