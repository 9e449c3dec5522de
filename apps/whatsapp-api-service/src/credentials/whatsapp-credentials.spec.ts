import { parseWhatsappCredentials } from './whatsapp-credentials';

const complete = {
  systemUserAccessToken: 'EAAG-secret',
  phoneNumberId: '1065',
  businessAccountId: '2001',
  rateLimits: { messagesPerSecond: 80, messagesPerDay: 100_000 },
};

describe('parseWhatsappCredentials', () => {
  it('accepts a complete record', () => {
    expect(parseWhatsappCredentials(complete)).toEqual(complete);
  });

  it('accepts a record without the optional fields, absent or null', () => {
    const minimal = { systemUserAccessToken: 'EAAG-secret', phoneNumberId: '1065' };
    expect(parseWhatsappCredentials(minimal)).toEqual(minimal);
    expect(parseWhatsappCredentials({ ...minimal, businessAccountId: null, rateLimits: null })).toEqual(minimal);
    expect(parseWhatsappCredentials({ ...minimal, rateLimits: {} })).toEqual({ ...minimal, rateLimits: {} });
  });

  it('keeps only the fields it knows', () => {
    expect(parseWhatsappCredentials({ ...complete, webhookSecret: 'x', rateLimits: { messagesPerSecond: 80, burst: 9 } })).toEqual({
      ...complete,
      rateLimits: { messagesPerSecond: 80 },
    });
  });

  it.each([
    ['nothing', undefined, 'credentials must be an object'],
    ['an array', [complete], 'credentials must be an object'],
    ['a string', 'EAAG-secret', 'credentials must be an object'],
    ['no token', { ...complete, systemUserAccessToken: undefined }, 'credentials.systemUserAccessToken must be a non-empty string'],
    ['an empty token', { ...complete, systemUserAccessToken: '' }, 'credentials.systemUserAccessToken must be a non-empty string'],
    ['a numeric token', { ...complete, systemUserAccessToken: 42 }, 'credentials.systemUserAccessToken must be a non-empty string'],
    ['a token with a line break', { ...complete, systemUserAccessToken: 'EAAG\r\nX-Evil: 1' }, 'credentials.systemUserAccessToken must be'],
    ['a token with a space', { ...complete, systemUserAccessToken: 'EAAG secret' }, 'credentials.systemUserAccessToken must be'],
    ['no phoneNumberId', { ...complete, phoneNumberId: undefined }, 'credentials.phoneNumberId must be a string of 1-32 digits'],
    ['a numeric phoneNumberId', { ...complete, phoneNumberId: 1065 }, 'credentials.phoneNumberId must be a string of 1-32 digits'],
    ['a phoneNumberId with letters', { ...complete, phoneNumberId: '10a65' }, 'credentials.phoneNumberId must be a string of 1-32 digits'],
    [
      'a path in phoneNumberId',
      { ...complete, phoneNumberId: '1065/../1066' },
      'credentials.phoneNumberId must be a string of 1-32 digits',
    ],
    ['a numeric businessAccountId', { ...complete, businessAccountId: 2001 }, 'credentials.businessAccountId must be a non-empty string'],
    ['an empty businessAccountId', { ...complete, businessAccountId: '' }, 'credentials.businessAccountId must be a non-empty string'],
    ['rateLimits as a number', { ...complete, rateLimits: 80 }, 'credentials.rateLimits must be an object'],
    ['rateLimits as an array', { ...complete, rateLimits: [80] }, 'credentials.rateLimits must be an object'],
    [
      'a string messagesPerSecond',
      { ...complete, rateLimits: { messagesPerSecond: 'fast' } },
      'credentials.rateLimits.messagesPerSecond must be a positive finite number',
    ],
    [
      'a numeric-string messagesPerSecond',
      { ...complete, rateLimits: { messagesPerSecond: '80' } },
      'credentials.rateLimits.messagesPerSecond must be',
    ],
    ['a zero messagesPerSecond', { ...complete, rateLimits: { messagesPerSecond: 0 } }, 'credentials.rateLimits.messagesPerSecond must be'],
    [
      'a negative messagesPerSecond',
      { ...complete, rateLimits: { messagesPerSecond: -5 } },
      'credentials.rateLimits.messagesPerSecond must be',
    ],
    [
      'an infinite messagesPerSecond (1e999 in JSON)',
      { ...complete, rateLimits: { messagesPerSecond: Infinity } },
      'credentials.rateLimits.messagesPerSecond must be',
    ],
    [
      'a NaN messagesPerSecond',
      { ...complete, rateLimits: { messagesPerSecond: NaN } },
      'credentials.rateLimits.messagesPerSecond must be',
    ],
    [
      'a string messagesPerDay',
      { ...complete, rateLimits: { messagesPerDay: 'lots' } },
      'credentials.rateLimits.messagesPerDay must be a positive finite number',
    ],
  ])('refuses %s with a message that names the field', (_name, raw, message) => {
    expect(() => parseWhatsappCredentials(raw)).toThrow(message);
  });

  it('names every bad field at once', () => {
    expect(() => parseWhatsappCredentials({ phoneNumberId: 'x', rateLimits: { messagesPerSecond: 'fast', messagesPerDay: -1 } })).toThrow(
      'credentials.systemUserAccessToken must be a non-empty string without spaces or control characters; ' +
        'credentials.phoneNumberId must be a string of 1-32 digits; ' +
        'credentials.rateLimits.messagesPerSecond must be a positive finite number; ' +
        'credentials.rateLimits.messagesPerDay must be a positive finite number',
    );
  });

  it('never puts a value in its message', () => {
    const raw = {
      systemUserAccessToken: 'EAAG secret',
      phoneNumberId: 'EAAG-leak',
      businessAccountId: 7,
      rateLimits: { messagesPerSecond: 'EAAG-rate' },
    };
    expect(() => parseWhatsappCredentials(raw)).toThrow(/^((?!EAAG|secret|leak).)*$/);
  });
});
