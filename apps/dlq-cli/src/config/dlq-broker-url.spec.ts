import { UsageError } from '../dlq-errors';
import { brokerUrlFromEnv } from './dlq-broker-url';

describe('brokerUrlFromEnv', () => {
  it("defaults to the service's local broker", () => {
    expect(brokerUrlFromEnv({})).toBe('amqp://guest:guest@127.0.0.1:5672');
  });

  it('builds the URL from its parts as the service does', () => {
    const env = {
      RABBITMQ_HOST: 'rabbit',
      RABBITMQ_PORT: '5673',
      RABBITMQ_USER: 'ops',
      RABBITMQ_PASSWORD: 'p@ss/word',
      RABBITMQ_VHOST: 'egress',
    };
    expect(brokerUrlFromEnv(env)).toBe('amqp://ops:p%40ss%2Fword@rabbit:5673/egress');
  });

  it('prefers RABBITMQ_URL and ignores the service-only variables', () => {
    expect(
      brokerUrlFromEnv({ RABBITMQ_URL: 'amqps://u:p@mq:5671/v', RABBITMQ_HOST: 'ignored', LOG_LEVEL: 'bogus', TENANT_SERVICE_URL: '' }),
    ).toBe('amqps://u:p@mq:5671/v');
  });

  it('refuses a malformed setting without echoing its value', () => {
    expect(() => brokerUrlFromEnv({ RABBITMQ_PORT: 'abc', RABBITMQ_PASSWORD: 'hunter2' })).toThrow(UsageError);
    expect(() => brokerUrlFromEnv({ RABBITMQ_URL: 'http://secret@x' })).toThrow(/RABBITMQ_URL must be an amqp/);
    try {
      brokerUrlFromEnv({ RABBITMQ_URL: 'http://user:hunter2@x' });
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2');
    }
  });
});
