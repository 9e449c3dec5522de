import { DEFAULT_API_VERSIONS } from '../meta/meta-graph.simulator';
import { DEFAULT_LOCAL_TENANTS, localStackConfig } from './local-stack.config';

const GENESYS = { region: 'mypurecloud.ie', clientId: 'client-1', clientSecret: 'secret-1', integrationId: 'integration-1' };
const tenants = (value: unknown) => localStackConfig({ SIM_TENANTS: JSON.stringify(value) });

describe(localStackConfig.name, () => {
  it('defaults: loopback, ports 9090 to 9092, and tenants with WhatsApp and Genesys credentials', () => {
    const config = localStackConfig({});
    expect(config).toMatchObject({
      host: '127.0.0.1',
      ports: { meta: 9090, tenantService: 9091, genesys: 9092 },
      tenantServiceToken: 'tenant-service-token',
      metaLatencyMs: 0,
      metaApiVersions: DEFAULT_API_VERSIONS,
      tenants: DEFAULT_LOCAL_TENANTS,
    });
    for (const tenant of DEFAULT_LOCAL_TENANTS) {
      expect(tenant).toMatchObject({ phoneNumberId: expect.any(String), accessToken: expect.any(String), genesys: expect.any(Object) });
    }
    expect(config.genesysClients.map((client) => client.integrations.length)).toEqual(DEFAULT_LOCAL_TENANTS.map(() => 1));
  });

  it('reads every variable, an empty one meaning its default', () => {
    const config = localStackConfig({
      SIM_HOST: '0.0.0.0',
      META_SIM_PORT: '19090',
      TENANT_SIM_PORT: '',
      GENESYS_SIM_PORT: '19092',
      TENANT_SERVICE_TOKEN: 'svc',
      META_SIM_LATENCY_MS: '25',
      META_SIM_API_VERSIONS: ' v24.0, ,v23.0 ',
    });
    expect(config).toMatchObject({
      host: '0.0.0.0',
      ports: { meta: 19090, tenantService: 9091, genesys: 19092 },
      tenantServiceToken: 'svc',
      metaLatencyMs: 25,
      metaApiVersions: ['v24.0', 'v23.0'],
    });
  });

  it.each([
    ['GENESYS_SIM_PORT', 'abc'],
    ['GENESYS_SIM_PORT', '65536'],
    ['META_SIM_PORT', '-1'],
    ['META_SIM_LATENCY_MS', '1.5'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    expect(() => localStackConfig({ [name]: value })).toThrow(new RegExp(`^${name} must be`));
  });

  describe('SIM_TENANTS', () => {
    it('takes WhatsApp-only, Genesys-only and two-kind tenants, one Genesys client serving several integrations', () => {
      const config = tenants([
        { tenantId: 'wa', phoneNumberId: '1001', accessToken: 'EAAG-wa', messagesPerSecond: 1000 },
        { tenantId: 'gc', genesys: GENESYS },
        { tenantId: 'both', phoneNumberId: '1002', accessToken: 'EAAG-both', genesys: { ...GENESYS, integrationId: 'integration-2' } },
      ]);
      expect(config.tenants.map((tenant) => tenant.tenantId)).toEqual(['wa', 'gc', 'both']);
      expect(config.metaNumbers).toEqual([
        { phoneNumberId: '1001', accessTokens: ['EAAG-wa'], messagesPerSecond: 1000 },
        { phoneNumberId: '1002', accessTokens: ['EAAG-both'], messagesPerSecond: undefined },
      ]);
      expect(config.genesysClients).toEqual([
        { region: 'mypurecloud.ie', clientId: 'client-1', clientSecret: 'secret-1', integrations: ['integration-1', 'integration-2'] },
      ]);
    });

    it('refuses JSON it cannot parse without quoting it', () => {
      expect(() => localStackConfig({ SIM_TENANTS: '[{"accessToken": "EAAG-secret"' })).toThrow(/^SIM_TENANTS is not valid JSON/);
      expect(() => localStackConfig({ SIM_TENANTS: '[{"accessToken": "EAAG-secret"' })).not.toThrow(/EAAG-secret/);
    });

    it.each<[string, unknown, RegExp]>([
      ['not an array', { tenantId: 'a' }, /^SIM_TENANTS must be a non-empty JSON array of tenants/],
      ['an empty array', [], /^SIM_TENANTS must be a non-empty JSON array of tenants/],
      ['a tenant without id', [{ phoneNumberId: '1', accessToken: 't' }], /^SIM_TENANTS\[0\]\.tenantId must be a non-empty string/],
      ['a tenant without credentials', [{ tenantId: 'a' }], /^SIM_TENANTS\[0\] needs WhatsApp credentials/],
      ['a phone number without token', [{ tenantId: 'a', phoneNumberId: '1' }], /^SIM_TENANTS\[0\]\.accessToken must be/],
      ['a bad throughput', [{ tenantId: 'a', phoneNumberId: '1', accessToken: 't', messagesPerSecond: 0 }], /messagesPerSecond must be/],
      [
        'an unknown region',
        [{ tenantId: 'a', genesys: { ...GENESYS, region: 'eu.example' } }],
        /^SIM_TENANTS\[0\]\.genesys\.region must be a/,
      ],
      ['a Genesys client without secret', [{ tenantId: 'a', genesys: { ...GENESYS, clientSecret: '' } }], /genesys\.clientSecret must be/],
      [
        'two tenants with one id',
        [
          { tenantId: 'a', genesys: GENESYS },
          { tenantId: 'a', genesys: { ...GENESYS, integrationId: 'integration-2' } },
        ],
        /^SIM_TENANTS\[1\]\.tenantId a is already SIM_TENANTS\[0\]'s/,
      ],
      [
        'two tenants with one phone number',
        [
          { tenantId: 'a', phoneNumberId: '1', accessToken: 't' },
          { tenantId: 'b', phoneNumberId: '1', accessToken: 'u' },
        ],
        /^SIM_TENANTS\[1\]\.phoneNumberId 1 is already SIM_TENANTS\[0\]'s/,
      ],
      [
        'two tenants with one integration',
        [
          { tenantId: 'a', genesys: GENESYS },
          { tenantId: 'b', genesys: { ...GENESYS, clientId: 'client-2' } },
        ],
        /^SIM_TENANTS\[1\]\.genesys\.integrationId integration-1 is already SIM_TENANTS\[0\]'s/,
      ],
      [
        'one Genesys client with two secrets',
        [
          { tenantId: 'a', genesys: GENESYS },
          { tenantId: 'b', genesys: { ...GENESYS, integrationId: 'integration-2', clientSecret: 'secret-2' } },
        ],
        /^SIM_TENANTS\[1\]\.genesys\.clientSecret differs from SIM_TENANTS\[0\]'s for client client-1/,
      ],
    ])('refuses %s, naming the field and no secret', (_name, value, error) => {
      expect(() => tenants(value)).toThrow(error);
      expect(() => tenants(value)).not.toThrow(/secret-|EAAG/);
    });
  });
});
