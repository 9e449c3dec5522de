import { parseWhatsappCredentials } from './whatsapp-credentials';

describe('parseWhatsappCredentials', () => {
  it('accepts a complete record', () => {
    const credentials = { systemUserAccessToken: 'EAAG-secret', phoneNumberId: '1065', rateLimits: { messagesPerSecond: 80 } };
    expect(parseWhatsappCredentials(credentials)).toEqual(credentials);
  });

  it.each([
    [undefined, 'credentials object missing'],
    [{ phoneNumberId: '1065' }, 'systemUserAccessToken missing'],
    [{ systemUserAccessToken: 'EAAG-secret' }, 'phoneNumberId missing'],
    [{ systemUserAccessToken: '', phoneNumberId: '1065' }, 'systemUserAccessToken missing'],
  ])('refuses %j with a message that names the field', (raw, message) => {
    expect(() => parseWhatsappCredentials(raw)).toThrow(message);
  });

  it('never puts the token in its message', () => {
    expect(() => parseWhatsappCredentials({ systemUserAccessToken: 'EAAG-secret' })).toThrow(/^((?!EAAG).)*$/);
  });
});
