import { configProblems } from '@lib/testing';
import { loadGenesysConfig } from './genesys.config';

const required = { TENANT_SERVICE_URL: 'http://tenants.internal:3000', TENANT_SERVICE_TOKEN: 'svc-token' };

const problemsOf = (env: Record<string, string>) => configProblems(() => loadGenesysConfig(env));

describe('loadGenesysConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadGenesysConfig(required);
    expect(config.service.name).toBe('genesys-api-service');
    expect(config.genesys).toEqual({
      apiUrlTemplate: 'https://api.{region}',
      loginUrlTemplate: 'https://login.{region}',
      timeoutMs: 10000,
    });
    expect(config.dedupeTtlS).toBe(86400);
    expect(config.sharedState.keyPrefix).toBe('genesys-api-service:');
  });

  it('takes templates that point every region at a local simulator, each region apart', () => {
    const config = loadGenesysConfig({
      ...required,
      GENESYS_API_URL_TEMPLATE: 'http://127.0.0.1:9092/api/{region}/',
      GENESYS_LOGIN_URL_TEMPLATE: 'http://127.0.0.1:9092/login/{region}',
    });
    expect(config.genesys.apiUrlTemplate).toBe('http://127.0.0.1:9092/api/{region}');
  });

  it.each([
    ['GENESYS_API_URL_TEMPLATE', 'https://api.mypurecloud.ie', 'GENESYS_API_URL_TEMPLATE must be an http(s) URL with {region} in it'],
    ['GENESYS_LOGIN_URL_TEMPLATE', 'ftp://login.{region}', 'GENESYS_LOGIN_URL_TEMPLATE must be an http(s) URL with {region} in it'],
    ['GENESYS_TIMEOUT_MS', 'soon', 'GENESYS_TIMEOUT_MS must be an integer number'],
    ['DEDUPE_TTL_S', '10', 'DEDUPE_TTL_S must not be less than 60'],
  ])('refuses a malformed %s and names it', (variable, value, problem) => {
    expect(problemsOf({ ...required, [variable]: value })).toEqual([problem]);
  });

  it('refuses a handler timeout that leaves no time to start a Genesys call within its ledger claim', () => {
    expect(problemsOf({ ...required, GENESYS_TIMEOUT_MS: '4000', HANDLER_TIMEOUT_MS: '5999' })).toEqual([
      'HANDLER_TIMEOUT_MS must be at least GENESYS_TIMEOUT_MS plus 2000 (6000)',
    ]);
    expect(() => loadGenesysConfig({ ...required, GENESYS_TIMEOUT_MS: '4000', HANDLER_TIMEOUT_MS: '6000' })).not.toThrow();
  });

  it('never echoes a value it refuses', () => {
    const problems = problemsOf({ ...required, GENESYS_API_URL_TEMPLATE: 'https://secret-host.example' });
    expect(problems.join('\n')).not.toContain('secret-host');
  });
});
