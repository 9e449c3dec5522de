import { UsageError } from '../dlq-errors';
import { redisSettingsFrom } from './dlq-redis-settings';

const GENESYS_PREFIX = 'genesys-api-service:';

describe('redisSettingsFrom', () => {
  it("falls back to the selected service's key prefix", () => {
    expect(redisSettingsFrom({}, { REDIS_URL: 'redis://cache:6379' }, GENESYS_PREFIX)).toEqual({
      url: 'redis://cache:6379',
      keyPrefix: GENESYS_PREFIX,
    });
  });

  it('prefers the flags, then the environment, to the default', () => {
    const env = { REDIS_URL: 'redis://env:6379', REDIS_KEY_PREFIX: 'from-env:' };
    expect(redisSettingsFrom({}, env, GENESYS_PREFIX)).toEqual({ url: 'redis://env:6379', keyPrefix: 'from-env:' });
    expect(redisSettingsFrom({ redisUrl: 'rediss://flag:6380', keyPrefix: 'from-flag:' }, env, GENESYS_PREFIX)).toEqual({
      url: 'rediss://flag:6380',
      keyPrefix: 'from-flag:',
    });
    expect(redisSettingsFrom({}, { ...env, REDIS_KEY_PREFIX: '' }, GENESYS_PREFIX).keyPrefix).toBe(GENESYS_PREFIX);
  });

  it('names every malformed setting without echoing its value', () => {
    const attempt = () => redisSettingsFrom({}, { REDIS_URL: 'http://user:hunter2@cache', REDIS_KEY_PREFIX: 'bad prefix' }, GENESYS_PREFIX);
    expect(attempt).toThrow(UsageError);
    expect(attempt).toThrow(
      'invalid Redis settings: REDIS_URL must be a redis:// or rediss:// URL; REDIS_KEY_PREFIX must be 1-64 letters, digits, :, _ or -',
    );
    expect(attempt).not.toThrow(/hunter2|bad prefix/);
  });

  it('says where holds live when no Redis is named', () => {
    expect(() => redisSettingsFrom({}, {}, GENESYS_PREFIX)).toThrow(/set REDIS_URL \(as for the service\) or pass --redis-url/);
  });
});
