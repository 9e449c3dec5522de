import { GENESYS_REGIONS, isGenesysRegion } from '@lib/contracts';

// Genesys Cloud's environments as Genesys documents them, typed out apart from the list under test.
const ENVIRONMENTS = [
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
];

describe('GENESYS_REGIONS', () => {
  it("is exactly Genesys Cloud's environments", () => {
    expect([...GENESYS_REGIONS].sort()).toEqual([...ENVIRONMENTS].sort());
  });
});

describe('isGenesysRegion', () => {
  it.each(GENESYS_REGIONS)('accepts %s', (region) => {
    expect(isGenesysRegion(region)).toBe(true);
  });

  it.each([
    ['a made-up Sydney host', 'apse2.pure.cloud'],
    ['the wrong pattern some public code uses', 'usw2.genesys.cloud'],
    ['a host under a listed one', 'evil.mypurecloud.com'],
    ['a listed one with a path', 'mypurecloud.com/x'],
    ['a listed one under another host', 'mypurecloud.com.evil.example'],
    ['upper case', 'MYPURECLOUD.IE'],
    ['surrounding spaces', ' mypurecloud.ie '],
    ['the API host instead of the environment', 'api.mypurecloud.ie'],
    ['an SDK region key', 'eu_west_1'],
    ['empty', ''],
    ['not a string', 42],
    ['absent', undefined],
  ])('refuses %s', (_case, value) => {
    expect(isGenesysRegion(value)).toBe(false);
  });
});
