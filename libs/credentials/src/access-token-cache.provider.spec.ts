import { Test } from '@nestjs/testing';
import { MetricFactory } from '@lib/observability';
import { register } from 'prom-client';
import { AccessToken, AccessTokenCache } from './access-token.cache';
import { provideAccessTokenCache } from './access-token-cache.provider';
import { TenantRegion, tenantRegionKey } from './tenant-region.key';

const GENESYS_TOKENS = Symbol('GENESYS_TOKENS');
const LOGIN = Symbol('LOGIN');

interface Login {
  clientCredentialsGrant: jest.Mock<Promise<AccessToken>, [TenantRegion]>;
}

describe('provideAccessTokenCache', () => {
  afterEach(() => register.clear());

  it("builds a cache from the service's own dependencies, with the metric factory of the observability module", async () => {
    const login: Login = {
      clientCredentialsGrant: jest.fn(({ tenantId }: TenantRegion) => Promise.resolve({ accessToken: `tok-${tenantId}`, expiresInS: 300 })),
    };
    const moduleRef = await Test.createTestingModule({
      providers: [
        { provide: MetricFactory, useValue: new MetricFactory({ serviceName: 'provider-spec', version: '0', logLevel: 'silent' }) },
        { provide: LOGIN, useValue: login },
        provideAccessTokenCache<TenantRegion>({
          provide: GENESYS_TOKENS,
          inject: [LOGIN],
          useFactory: (client: Login) => ({
            name: 'genesys',
            keyOf: tenantRegionKey,
            fetchToken: (key: TenantRegion) => client.clientCredentialsGrant(key),
          }),
        }),
      ],
    }).compile();

    const tokens = moduleRef.get<AccessTokenCache<TenantRegion>>(GENESYS_TOKENS);
    expect(tokens).toBeInstanceOf(AccessTokenCache);
    const key = { tenantId: 'acme', region: 'mypurecloud.ie' };
    expect(await tokens.get(key)).toBe('tok-acme');
    expect(await tokens.get(key)).toBe('tok-acme');
    expect(login.clientCredentialsGrant).toHaveBeenCalledTimes(1);
    expect(register.getSingleMetric('provider_spec_access_token_fetches_total')).toBeDefined();
  });
});
