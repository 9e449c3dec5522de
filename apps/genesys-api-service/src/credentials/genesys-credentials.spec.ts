import { GENESYS_REGIONS } from '@lib/contracts';
import { DEFAULT_REQUESTS_PER_MINUTE, parseGenesysCredentials } from './genesys-credentials';

const complete = {
  region: 'mypurecloud.ie',
  clientId: '0f3e7c52-93a1-4a1e-9f3c-1d2b3c4d5e6f',
  clientSecret: 'GC-secret_Abc123+/=',
  integrationId: '7b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d',
  rateLimits: { requestsPerMinute: 120, burstSize: 10 },
};

describe('parseGenesysCredentials', () => {
  it('accepts a complete record', () => {
    expect(parseGenesysCredentials(complete)).toEqual(complete);
  });

  it.each(GENESYS_REGIONS)('accepts the Genesys Cloud environment %s', (region) => {
    expect(parseGenesysCredentials({ ...complete, region }).region).toBe(region);
  });

  it('allows 300 requests a minute, the per-token limit, when the record sets none', () => {
    const { rateLimits: _rateLimits, ...withoutLimits } = complete;
    expect(DEFAULT_REQUESTS_PER_MINUTE).toBe(300);
    expect(parseGenesysCredentials(withoutLimits).rateLimits).toEqual({ requestsPerMinute: 300 });
    expect(parseGenesysCredentials({ ...withoutLimits, rateLimits: null }).rateLimits).toEqual({ requestsPerMinute: 300 });
    expect(parseGenesysCredentials({ ...withoutLimits, rateLimits: { burstSize: 5 } }).rateLimits).toEqual({
      requestsPerMinute: 300,
      burstSize: 5,
    });
  });

  it('keeps only the fields it knows', () => {
    expect(parseGenesysCredentials({ ...complete, webhookSecret: 'x', rateLimits: { ...complete.rateLimits, tokensPerHour: 9 } })).toEqual(
      complete,
    );
  });

  it.each([
    ['nothing', undefined, 'credentials must be an object'],
    ['an array', [complete], 'credentials must be an object'],
    ['no region', { ...complete, region: undefined }, 'credentials.region must be a Genesys Cloud environment'],
    ['a region with a scheme', { ...complete, region: 'https://mypurecloud.ie' }, 'credentials.region must be a Genesys Cloud environment'],
    ['an API host as region', { ...complete, region: 'api.mypurecloud.ie' }, 'credentials.region must be a Genesys Cloud environment'],
    ['a host outside Genesys Cloud', { ...complete, region: 'evil.example.com' }, 'credentials.region must be a Genesys Cloud environment'],
    ['a region that does not exist', { ...complete, region: 'apse2.pure.cloud' }, 'credentials.region must be a Genesys Cloud environment'],
    ['an upper-case region', { ...complete, region: 'MYPURECLOUD.IE' }, 'credentials.region must be a Genesys Cloud environment'],
    ['a numeric region', { ...complete, region: 7 }, 'credentials.region must be a Genesys Cloud environment'],
    ['no clientId', { ...complete, clientId: undefined }, 'credentials.clientId must be'],
    ['an empty clientId', { ...complete, clientId: '' }, 'credentials.clientId must be'],
    ['a clientId with a colon', { ...complete, clientId: 'a:b' }, 'credentials.clientId must be'],
    ['a clientId with a line break', { ...complete, clientId: 'a\r\nX-Evil: 1' }, 'credentials.clientId must be'],
    ['no clientSecret', { ...complete, clientSecret: undefined }, 'credentials.clientSecret must be'],
    ['an empty clientSecret', { ...complete, clientSecret: '' }, 'credentials.clientSecret must be'],
    ['a clientSecret with a space', { ...complete, clientSecret: 'GC secret' }, 'credentials.clientSecret must be'],
    ['a numeric clientSecret', { ...complete, clientSecret: 42 }, 'credentials.clientSecret must be'],
    ['no integrationId', { ...complete, integrationId: undefined }, 'credentials.integrationId must be a UUID'],
    ['an integrationId that is a path', { ...complete, integrationId: '../../users/me' }, 'credentials.integrationId must be a UUID'],
    ['rateLimits as a number', { ...complete, rateLimits: 300 }, 'credentials.rateLimits must be an object'],
    [
      'a fractional requestsPerMinute',
      { ...complete, rateLimits: { requestsPerMinute: 2.5 } },
      'credentials.rateLimits.requestsPerMinute must be a positive integer',
    ],
    ['a zero requestsPerMinute', { ...complete, rateLimits: { requestsPerMinute: 0 } }, 'credentials.rateLimits.requestsPerMinute must be'],
    [
      'a string requestsPerMinute',
      { ...complete, rateLimits: { requestsPerMinute: '300' } },
      'credentials.rateLimits.requestsPerMinute must be',
    ],
    ['a negative burstSize', { ...complete, rateLimits: { burstSize: -1 } }, 'credentials.rateLimits.burstSize must be a positive integer'],
    ['an infinite burstSize', { ...complete, rateLimits: { burstSize: Infinity } }, 'credentials.rateLimits.burstSize must be'],
  ])('refuses %s with a message that names the field', (_name, raw, message) => {
    expect(() => parseGenesysCredentials(raw)).toThrow(message);
  });

  it('names every bad field at once', () => {
    expect(() => parseGenesysCredentials({ region: 'x', clientSecret: 'ok', integrationId: 'y', rateLimits: { burstSize: 0 } })).toThrow(
      'credentials.region must be a Genesys Cloud environment (such as mypurecloud.com); the client secret goes to no other host; ' +
        "credentials.clientId must be a non-empty string of visible ASCII characters without ':'; " +
        'credentials.integrationId must be a UUID; ' +
        'credentials.rateLimits.burstSize must be a positive integer',
    );
  });

  it('never puts a value in its message', () => {
    const raw = {
      region: 'XLEAKX.example.com',
      clientId: 'XLEAKX id',
      clientSecret: 'XLEAKX secret',
      integrationId: 'XLEAKX',
      rateLimits: { requestsPerMinute: 'XLEAKX' },
    };
    expect(() => parseGenesysCredentials(raw)).toThrow(/^((?!XLEAKX).)*$/);
  });
});
