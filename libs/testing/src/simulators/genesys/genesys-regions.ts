/**
 * Genesys Cloud environments (fact sheet §3.2, from the JS SDK's `PureCloudRegionHosts`): the API is
 * `https://api.{environment}`, the login `https://login.{environment}`. For the simulator's own use; the
 * Genesys service keeps its own list in its config.
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

export const isGenesysRegion = (value: string): value is GenesysRegion => (GENESYS_REGIONS as readonly string[]).includes(value);
