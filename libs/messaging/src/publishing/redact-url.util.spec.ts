import { redactUrl } from './redact-url.util';

describe('redactUrl', () => {
  it('hides the password and keeps the rest', () => {
    expect(redactUrl('amqp://svc:s3cr%40t@mq:5672/egress')).toBe('amqp://svc:***@mq:5672/egress');
  });

  it('leaves a URL without credentials alone', () => {
    expect(redactUrl('amqp://mq:5672')).toBe('amqp://mq:5672');
  });
});
