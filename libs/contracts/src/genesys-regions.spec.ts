import { GENESYS_REGIONS, isGenesysRegion } from '@lib/contracts';

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
