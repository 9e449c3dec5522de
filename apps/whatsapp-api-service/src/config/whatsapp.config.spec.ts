import { configProblems } from '@lib/testing';
import { ConfigValidationError } from '@lib/service';
import { loadWhatsappConfig } from './whatsapp.config';

const required = { TENANT_SERVICE_URL: 'http://tenants.internal:3000/', TENANT_SERVICE_TOKEN: 'svc-token' };

const problemsOf = (env: Record<string, string>) => configProblems(() => loadWhatsappConfig(env));

describe('loadWhatsappConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadWhatsappConfig(required);
    expect(config.rabbitmq).toEqual({
      urls: ['amqp://guest:guest@127.0.0.1:5672'],
      queueKind: { type: 'classic', deliveryLimit: 20 },
      prefetch: 600,
      publishTimeoutMs: 5000,
      connectTimeoutMs: 30000,
      shutdownTimeoutMs: 30000,
    });
    expect(config.tenantService).toEqual({ url: 'http://tenants.internal:3000', token: 'svc-token', timeoutMs: 5000, maxInFlight: 16 });
    expect(config.meta).toEqual({ baseUrl: 'https://graph.facebook.com', apiVersion: 'v26.0', timeoutMs: 10000 });
    expect(config.credentials).toEqual({ cacheTtlMs: 900000, negativeCacheTtlMs: 30000 });
    expect(config.retry).toEqual({ maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 60000 });
    expect(config.http.port).toBe(8080);
    expect(config.log.level).toBe('info');
    expect(config.messageMaxBytes).toBe(262144);
    expect(config.conversationGatherMs).toBe(0);
    expect(config.accountHold).toEqual({ probeMs: undefined });
    expect(config.resilience).toEqual({
      failureThreshold: 5,
      failureRate: 0.5,
      sampleWindowMs: 30000,
      halfOpenAfterMs: 60000,
      maxInFlightPerTenant: 400,
      maxWaitingPerTenant: 100,
      handlerTimeoutMs: 60000,
    });
    expect(config.sharedState).toEqual({
      redisUrl: undefined,
      keyPrefix: 'whatsapp-api-service:',
      expectedReplicas: 1,
      defaultMessagesPerSecond: 80,
      maxRateLimitWaitMs: 1000,
    });
  });

  it('builds the broker URL from its parts when RABBITMQ_URL is unset', () => {
    const config = loadWhatsappConfig({
      ...required,
      RABBITMQ_HOST: 'rabbit',
      RABBITMQ_PORT: '5673',
      RABBITMQ_USER: 'svc',
      RABBITMQ_PASSWORD: 'p@ss/word',
      RABBITMQ_VHOST: 'tenant-egress',
    });
    expect(config.rabbitmq.urls).toEqual(['amqp://svc:p%40ss%2Fword@rabbit:5673/tenant-egress']);
  });

  it('prefers RABBITMQ_URL over the parts', () => {
    const config = loadWhatsappConfig({ ...required, RABBITMQ_URL: 'amqps://u:p@mq:5671/v', RABBITMQ_HOST: 'ignored' });
    expect(config.rabbitmq.urls).toEqual(['amqps://u:p@mq:5671/v']);
  });

  it('takes ACCOUNT_HOLD_PROBE_MS as the probe interval of every account hold', () => {
    expect(loadWhatsappConfig({ ...required, ACCOUNT_HOLD_PROBE_MS: '900000' }).accountHold).toEqual({ probeMs: 900000 });
  });

  it('treats empty values as unset', () => {
    expect(loadWhatsappConfig({ ...required, PORT: '', REDIS_URL: '' }).http.port).toBe(8080);
  });

  it('listens on every interface by default, or on the address or host name HTTP_HOST names', () => {
    expect(loadWhatsappConfig(required).http).toEqual({ host: '0.0.0.0', port: 8080 });
    for (const host of ['127.0.0.1', '::', '::1', 'fe80::1%eth0', 'localhost', 'egress.internal']) {
      expect(loadWhatsappConfig({ ...required, HTTP_HOST: host }).http.host).toBe(host);
    }
  });

  it.each(['http://0.0.0.0', '[::1]', '10.0.0.1:8080', '256.1.1.1', 'two words', 'under_score'])('refuses HTTP_HOST %j', (host) => {
    expect(problemsOf({ ...required, HTTP_HOST: host })).toEqual(['HTTP_HOST must be an IPv4 or IPv6 address or a host name']);
  });

  it('names each missing required variable', () => {
    const problems = problemsOf({});
    expect(problems).toEqual(expect.arrayContaining(['TENANT_SERVICE_URL must be an http(s) URL', 'TENANT_SERVICE_TOKEN must be set']));
  });

  it.each([
    ['PORT', 'eighty', 'PORT must be an integer number'],
    ['RABBITMQ_PREFETCH', '0', 'RABBITMQ_PREFETCH must not be less than 1'],
    ['RETRY_MAX_ATTEMPTS', '2.5', 'RETRY_MAX_ATTEMPTS must be an integer number'],
    ['RABBITMQ_URL', 'http://mq', 'RABBITMQ_URL must be an amqp:// or amqps:// URL'],
    ['META_API_VERSION', '26', 'META_API_VERSION must look like v26.0'],
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL must be one of the following values'],
    ['REDIS_URL', 'localhost:6379', 'REDIS_URL must be a redis:// or rediss:// URL'],
    ['TENANT_NEGATIVE_CACHE_TTL_MS', '0', 'TENANT_NEGATIVE_CACHE_TTL_MS must not be less than 1000'],
    ['TENANT_NEGATIVE_CACHE_TTL_MS', '3600000', 'TENANT_NEGATIVE_CACHE_TTL_MS must not be greater than 300000'],
    ['TENANT_SERVICE_MAX_IN_FLIGHT', '0', 'TENANT_SERVICE_MAX_IN_FLIGHT must not be less than 1'],
    ['ACCOUNT_HOLD_PROBE_MS', '500', 'ACCOUNT_HOLD_PROBE_MS must not be less than 1000'],
  ])('refuses a malformed %s', (name, value, expected) => {
    const problems = problemsOf({ ...required, [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(expected);
  });

  it('refuses a maximum retry delay below the base delay', () => {
    expect(problemsOf({ ...required, RETRY_BASE_DELAY_MS: '5000', RETRY_MAX_DELAY_MS: '1000' })).toEqual([
      'RETRY_MAX_DELAY_MS must not be smaller than RETRY_BASE_DELAY_MS',
    ]);
  });

  it('refuses a handler timeout that leaves no time to start a Meta call within its ledger claim', () => {
    expect(problemsOf({ ...required, META_API_TIMEOUT_MS: '10000', HANDLER_TIMEOUT_MS: '11999' })).toEqual([
      'HANDLER_TIMEOUT_MS must be at least META_API_TIMEOUT_MS plus 2000 (12000)',
    ]);
    expect(() => loadWhatsappConfig({ ...required, META_API_TIMEOUT_MS: '10000', HANDLER_TIMEOUT_MS: '12000' })).not.toThrow();
  });

  it('never echoes a secret value in its message', () => {
    const error = (() => {
      try {
        return loadWhatsappConfig({ TENANT_SERVICE_TOKEN: 'super-secret', RABBITMQ_URL: 'nope-super-secret' });
      } catch (caught) {
        return caught as Error;
      }
    })();
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect((error as Error).message).not.toContain('super-secret');
  });
});
