import { configProblems } from '@lib/testing';
import { IsInt, Min } from 'class-validator';
import { ConfigValidationError } from './config-validation.error';
import { EgressServiceEnv } from './egress-service-env.schema';
import { EgressServiceConfig } from './egress-service.config';
import { loadServiceConfig } from './load-service-config';
import { RabbitMqEnv } from './rabbitmq-env.schema';

/** An app's env: the shared variables, its Redis key prefix default and one variable of its own. */
class SampleServiceEnv extends EgressServiceEnv {
  REDIS_KEY_PREFIX = 'sample-service:';

  @Min(1)
  @IsInt()
  SAMPLE_TIMEOUT_MS: number = 500;

  static override problemsAcrossFields(env: SampleServiceEnv): string[] {
    const problems = super.problemsAcrossFields(env);
    if (env.SAMPLE_TIMEOUT_MS > env.HANDLER_TIMEOUT_MS) problems.push('SAMPLE_TIMEOUT_MS must not be greater than HANDLER_TIMEOUT_MS');
    return problems;
  }
}

const required = { TENANT_SERVICE_URL: 'http://tenants.internal:3000/', TENANT_SERVICE_TOKEN: 'svc-token' };
const identity = { name: 'sample-service', version: '1.2.3' };

const problemsOf = (env: Record<string, string>) => configProblems(() => loadServiceConfig(SampleServiceEnv, env));

describe('loadServiceConfig with the shared egress-service variables', () => {
  it('applies the documented defaults to every shared section, and the app its Redis key prefix', () => {
    const config = new EgressServiceConfig(identity, loadServiceConfig(SampleServiceEnv, required));
    expect(config).toEqual({
      service: identity,
      http: { host: '0.0.0.0', port: 8080 },
      log: { level: 'info' },
      rabbitmq: {
        urls: ['amqp://guest:guest@127.0.0.1:5672'],
        queueKind: { type: 'classic', deliveryLimit: 20 },
        prefetch: 600,
        publishTimeoutMs: 5000,
        connectTimeoutMs: 30000,
        shutdownTimeoutMs: 30000,
      },
      tenantService: { url: 'http://tenants.internal:3000', token: 'svc-token', timeoutMs: 5000, maxInFlight: 16 },
      credentials: { cacheTtlMs: 900000, negativeCacheTtlMs: 30000 },
      retry: { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 60000 },
      resilience: {
        failureThreshold: 5,
        failureRate: 0.5,
        sampleWindowMs: 30000,
        halfOpenAfterMs: 60000,
        maxInFlightPerTenant: 400,
        maxWaitingPerTenant: 100,
        handlerTimeoutMs: 60000,
      },
      messageMaxBytes: 262144,
      conversationGatherMs: 0,
      sharedState: { redisUrl: undefined, keyPrefix: 'sample-service:', expectedReplicas: 1, maxRateLimitWaitMs: 1000 },
    });
  });

  it("reads the app's own variables with the shared ones", () => {
    expect(loadServiceConfig(SampleServiceEnv, required).SAMPLE_TIMEOUT_MS).toBe(500);
    expect(loadServiceConfig(SampleServiceEnv, { ...required, SAMPLE_TIMEOUT_MS: '700' }).SAMPLE_TIMEOUT_MS).toBe(700);
  });

  it('reads every shared variable, converting numbers', () => {
    const env = loadServiceConfig(SampleServiceEnv, {
      ...required,
      RABBITMQ_PREFETCH: '50',
      REDIS_URL: 'redis://cache:6379',
      REDIS_KEY_PREFIX: 'blue:',
      EXPECTED_REPLICAS: '3',
      SHUTDOWN_TIMEOUT_MS: '0',
      LOG_LEVEL: 'debug',
    });
    expect(new EgressServiceConfig(identity, env)).toMatchObject({
      rabbitmq: { prefetch: 50, shutdownTimeoutMs: 0 },
      sharedState: { redisUrl: 'redis://cache:6379', keyPrefix: 'blue:', expectedReplicas: 3 },
      log: { level: 'debug' },
    });
  });

  it('builds the broker URL from its parts, escaped, when RABBITMQ_URL is unset, and prefers RABBITMQ_URL', () => {
    const parts = {
      RABBITMQ_HOST: 'rabbit',
      RABBITMQ_PORT: '5673',
      RABBITMQ_USER: 'svc',
      RABBITMQ_PASSWORD: 'p@ss/word',
      RABBITMQ_VHOST: 'egress',
    };
    const fromParts = new EgressServiceConfig(identity, loadServiceConfig(SampleServiceEnv, { ...required, ...parts }));
    expect(fromParts.rabbitmq.urls).toEqual(['amqp://svc:p%40ss%2Fword@rabbit:5673/egress']);
    const given = new EgressServiceConfig(
      identity,
      loadServiceConfig(SampleServiceEnv, { ...required, ...parts, RABBITMQ_URL: 'amqps://u:p@mq:5671/v' }),
    );
    expect(given.rabbitmq.urls).toEqual(['amqps://u:p@mq:5671/v']);
  });

  it("takes a cluster's nodes from RABBITMQ_URLS or from a list in RABBITMQ_URL, in order", () => {
    const nodes = 'amqp://u:p@mq-0:5672/v, amqp://u:p@mq-1:5672/v,amqp://u:p@mq-2:5672/v';
    const expected = ['amqp://u:p@mq-0:5672/v', 'amqp://u:p@mq-1:5672/v', 'amqp://u:p@mq-2:5672/v'];
    for (const variable of ['RABBITMQ_URLS', 'RABBITMQ_URL']) {
      const config = new EgressServiceConfig(identity, loadServiceConfig(SampleServiceEnv, { ...required, [variable]: nodes }));
      expect(config.rabbitmq.urls).toEqual(expected);
    }
  });

  it('declares classic queues unless RABBITMQ_QUEUE_TYPE says quorum, with its delivery limit', () => {
    const classic = new EgressServiceConfig(identity, loadServiceConfig(SampleServiceEnv, required));
    expect(classic.rabbitmq.queueKind).toEqual({ type: 'classic', deliveryLimit: 20 });
    const env = { ...required, RABBITMQ_QUEUE_TYPE: 'quorum', RABBITMQ_DELIVERY_LIMIT: '5' };
    const quorum = new EgressServiceConfig(identity, loadServiceConfig(SampleServiceEnv, env));
    expect(quorum.rabbitmq.queueKind).toEqual({ type: 'quorum', deliveryLimit: 5 });
  });

  it('refuses the broker address in both RABBITMQ_URLS and RABBITMQ_URL', () => {
    expect(problemsOf({ ...required, RABBITMQ_URLS: 'amqp://mq-0', RABBITMQ_URL: 'amqp://mq-1' })).toEqual([
      'RABBITMQ_URLS and RABBITMQ_URL are both set: set one of them',
    ]);
  });

  it('treats empty values as unset', () => {
    const env = loadServiceConfig(SampleServiceEnv, { ...required, PORT: '', REDIS_URL: '', REDIS_KEY_PREFIX: '' });
    expect([env.PORT, env.REDIS_URL, env.REDIS_KEY_PREFIX]).toEqual([8080, undefined, 'sample-service:']);
  });

  it('names each missing required variable', () => {
    expect(problemsOf({})).toEqual(['TENANT_SERVICE_URL must be an http(s) URL', 'TENANT_SERVICE_TOKEN must be set']);
  });

  it.each([
    ['RABBITMQ_URL', 'http://mq', 'RABBITMQ_URL must be an amqp:// or amqps:// URL, or several separated by commas'],
    ['RABBITMQ_URL', 'amqp://mq-0,,amqp://mq-1', 'RABBITMQ_URL must be an amqp:// or amqps:// URL, or several separated by commas'],
    ['RABBITMQ_URLS', 'amqp://mq-0, http://mq-1', 'RABBITMQ_URLS must be amqp:// or amqps:// URLs separated by commas'],
    ['RABBITMQ_QUEUE_TYPE', 'stream', 'RABBITMQ_QUEUE_TYPE must be classic or quorum'],
    ['RABBITMQ_DELIVERY_LIMIT', '1', 'RABBITMQ_DELIVERY_LIMIT must not be less than 2'],
    ['RABBITMQ_PORT', '70000', 'RABBITMQ_PORT must not be greater than 65535'],
    ['RABBITMQ_PREFETCH', '0', 'RABBITMQ_PREFETCH must not be less than 1'],
    ['RABBITMQ_CONNECT_TIMEOUT_MS', '10', 'RABBITMQ_CONNECT_TIMEOUT_MS must not be less than 100'],
    ['RABBITMQ_PUBLISH_TIMEOUT_MS', 'soon', 'RABBITMQ_PUBLISH_TIMEOUT_MS must be an integer number'],
    ['TENANT_SERVICE_URL', 'tenants.internal', 'TENANT_SERVICE_URL must be an http(s) URL'],
    ['TENANT_SERVICE_TIMEOUT_MS', '0', 'TENANT_SERVICE_TIMEOUT_MS must not be less than 1'],
    ['TENANT_SERVICE_MAX_IN_FLIGHT', '257', 'TENANT_SERVICE_MAX_IN_FLIGHT must not be greater than 256'],
    ['CREDENTIAL_CACHE_TTL_MS', '-1', 'CREDENTIAL_CACHE_TTL_MS must not be less than 0'],
    ['TENANT_NEGATIVE_CACHE_TTL_MS', '3600000', 'TENANT_NEGATIVE_CACHE_TTL_MS must not be greater than 300000'],
    ['RETRY_MAX_ATTEMPTS', '2.5', 'RETRY_MAX_ATTEMPTS must be an integer number'],
    ['RETRY_BASE_DELAY_MS', '5', 'RETRY_BASE_DELAY_MS must not be less than 10'],
    ['RETRY_MAX_DELAY_MS', 'later', 'RETRY_MAX_DELAY_MS must be an integer number'],
    ['CB_FAILURE_THRESHOLD', '0', 'CB_FAILURE_THRESHOLD must not be less than 1'],
    ['CB_FAILURE_RATE', '1', 'CB_FAILURE_RATE must not be greater than 0.99'],
    ['CB_FAILURE_RATE', 'half', 'CB_FAILURE_RATE must be a number'],
    ['CB_SAMPLE_WINDOW_MS', '500', 'CB_SAMPLE_WINDOW_MS must not be less than 1000'],
    ['CB_HALF_OPEN_AFTER_MS', '99', 'CB_HALF_OPEN_AFTER_MS must not be less than 100'],
    ['TENANT_MAX_IN_FLIGHT', '0', 'TENANT_MAX_IN_FLIGHT must not be less than 1'],
    ['HANDLER_TIMEOUT_MS', '999', 'HANDLER_TIMEOUT_MS must not be less than 1000'],
    ['SHUTDOWN_TIMEOUT_MS', '-5', 'SHUTDOWN_TIMEOUT_MS must not be less than 0'],
    ['MESSAGE_MAX_BYTES', '1023', 'MESSAGE_MAX_BYTES must not be less than 1024'],
    ['REDIS_URL', 'localhost:6379', 'REDIS_URL must be a redis:// or rediss:// URL'],
    ['REDIS_KEY_PREFIX', 'has space', 'REDIS_KEY_PREFIX must be 1-64 letters, digits, :, _ or -'],
    ['EXPECTED_REPLICAS', '0', 'EXPECTED_REPLICAS must not be less than 1'],
    ['CONVERSATION_GATHER_MS', '1001', 'CONVERSATION_GATHER_MS must not be greater than 1000'],
    ['RATE_LIMIT_MAX_WAIT_MS', 'none', 'RATE_LIMIT_MAX_WAIT_MS must be an integer number'],
    ['HTTP_HOST', '10.0.0.1:8080', 'HTTP_HOST must be an IPv4 or IPv6 address or a host name'],
    ['PORT', 'eighty', 'PORT must be an integer number'],
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL must be one of the following values'],
    ['SAMPLE_TIMEOUT_MS', '0', 'SAMPLE_TIMEOUT_MS must not be less than 1'],
  ])('refuses a malformed %s and names it', (name, value, expected) => {
    const problems = problemsOf({ ...required, [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(expected);
  });

  it('names every problem at once', () => {
    const problems = problemsOf({ PORT: 'x', LOG_LEVEL: 'loud', REDIS_URL: 'nope', RETRY_MAX_ATTEMPTS: '0' });
    expect(problems.map((problem) => problem.split(' ')[0])).toEqual(
      expect.arrayContaining(['TENANT_SERVICE_URL', 'TENANT_SERVICE_TOKEN', 'PORT', 'LOG_LEVEL', 'REDIS_URL', 'RETRY_MAX_ATTEMPTS']),
    );
    expect(problems).toHaveLength(6);
  });

  it("checks across fields: the shared retry delays and the app's own", () => {
    expect(problemsOf({ ...required, RETRY_BASE_DELAY_MS: '5000', RETRY_MAX_DELAY_MS: '1000', SAMPLE_TIMEOUT_MS: '70000' })).toEqual([
      'RETRY_MAX_DELAY_MS must not be smaller than RETRY_BASE_DELAY_MS',
      'SAMPLE_TIMEOUT_MS must not be greater than HANDLER_TIMEOUT_MS',
    ]);
  });

  it('never echoes a value, whichever variable is malformed', () => {
    const secret = 'hunter2-value';
    const everyVariableMalformed = Object.fromEntries(
      Object.keys(new SampleServiceEnv()).map((name) => [name, name === 'RABBITMQ_PASSWORD' ? '' : `${secret} ${name}`]),
    );
    const error = (() => {
      try {
        loadServiceConfig(SampleServiceEnv, { ...everyVariableMalformed, TENANT_SERVICE_URL: `http://user:${secret}@` });
      } catch (caught) {
        return caught as Error;
      }
      throw new Error('expected the configuration to be refused');
    })();
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect((error as ConfigValidationError).problems.length).toBeGreaterThan(20);
    expect(error.message).not.toContain(secret);
  });

  it('cannot have its cross-field check shadowed by an environment variable', () => {
    expect(problemsOf({ ...required, problemsAcrossFields: 'x', RETRY_BASE_DELAY_MS: '5000', RETRY_MAX_DELAY_MS: '1000' })).toEqual([
      'RETRY_MAX_DELAY_MS must not be smaller than RETRY_BASE_DELAY_MS',
    ]);
  });
});

describe('loadServiceConfig with the broker variables only', () => {
  it('needs no other variable and applies the broker defaults', () => {
    expect({ ...loadServiceConfig(RabbitMqEnv, {}) }).toEqual({
      RABBITMQ_URL: undefined,
      RABBITMQ_URLS: undefined,
      RABBITMQ_HOST: '127.0.0.1',
      RABBITMQ_PORT: 5672,
      RABBITMQ_USER: 'guest',
      RABBITMQ_PASSWORD: 'guest',
      RABBITMQ_VHOST: '/',
      RABBITMQ_PREFETCH: 600,
      RABBITMQ_CONNECT_TIMEOUT_MS: 30000,
      RABBITMQ_QUEUE_TYPE: 'classic',
      RABBITMQ_DELIVERY_LIMIT: 20,
      RABBITMQ_PUBLISH_TIMEOUT_MS: 5000,
    });
  });
});
