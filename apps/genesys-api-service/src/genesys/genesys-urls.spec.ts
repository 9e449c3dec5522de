import { DeliveryError, DeliveryErrorCategory } from '@lib/resilience';
import { GenesysRegion } from '@lib/contracts';
import { GenesysUrls } from './genesys-urls';

describe(GenesysUrls.name, () => {
  const production = new GenesysUrls({ apiUrlTemplate: 'https://api.{region}', loginUrlTemplate: 'https://login.{region}' });

  it("puts the region in the templates' hosts", () => {
    expect(production.api('mypurecloud.ie')).toBe('https://api.mypurecloud.ie');
    expect(production.login('usw2.pure.cloud')).toBe('https://login.usw2.pure.cloud');
    expect(production.login('mypurecloud.com.au')).toBe('https://login.mypurecloud.com.au');
  });

  it('keeps regions apart behind one local simulator, and drops a trailing slash', () => {
    const local = new GenesysUrls({
      apiUrlTemplate: 'http://127.0.0.1:9092/api/{region}/',
      loginUrlTemplate: 'http://127.0.0.1:9092/login/{region}',
    });

    expect(local.api('mypurecloud.de')).toBe('http://127.0.0.1:9092/api/mypurecloud.de');
    expect(local.api('mypurecloud.jp')).toBe('http://127.0.0.1:9092/api/mypurecloud.jp');
    expect(local.login('mypurecloud.de')).toBe('http://127.0.0.1:9092/login/mypurecloud.de');
  });

  it.each(['evil.example', 'mypurecloud.ie.evil.example', 'apse2.pure.cloud', ''])(
    'builds no URL from %j, a value that is not a listed environment, and says nothing was sent',
    (region) => {
      let thrown: unknown;
      try {
        production.login(region as GenesysRegion);
      } catch (error) {
        thrown = error;
      }

      expect(thrown).toBeInstanceOf(DeliveryError);
      expect(thrown).toMatchObject({ category: DeliveryErrorCategory.ACCOUNT_ERROR, message: expect.stringContaining('nothing was sent') });
      expect(() => production.api(region as GenesysRegion)).toThrow(DeliveryError);
    },
  );

  it('refuses a template without {region}: every region would share one host', () => {
    expect(() => new GenesysUrls({ apiUrlTemplate: 'https://api.mypurecloud.com', loginUrlTemplate: 'https://login.{region}' })).toThrow(
      'apiUrlTemplate must contain {region}',
    );
    expect(() => new GenesysUrls({ apiUrlTemplate: 'https://api.{region}', loginUrlTemplate: 'https://login.mypurecloud.com' })).toThrow(
      'loginUrlTemplate must contain {region}',
    );
  });
});
