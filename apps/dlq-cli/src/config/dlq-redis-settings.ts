import { UsageError } from '../dlq-errors';

export interface DlqRedisSettings {
  url: string;
  keyPrefix: string;
}

/** The checks the services apply to these two variables, so the tool accepts exactly what a service would. */
const CHECKS = {
  REDIS_URL: { format: /^rediss?:\/\/\S+$/, problem: 'REDIS_URL must be a redis:// or rediss:// URL' },
  REDIS_KEY_PREFIX: { format: /^[A-Za-z0-9:_-]{1,64}$/, problem: 'REDIS_KEY_PREFIX must be 1-64 letters, digits, :, _ or -' },
} as const;

/**
 * The Redis holding a service's shared state: `--redis-url` / `--key-prefix`, else the service's own
 * `REDIS_URL` and `REDIS_KEY_PREFIX`, else the selected service's default prefix, so the tool reads
 * the keys the service writes. Only those two variables are read; values are never echoed.
 */
export function redisSettingsFrom(
  flags: { redisUrl?: string; keyPrefix?: string },
  env: Record<string, string | undefined>,
  serviceKeyPrefix: string,
): DlqRedisSettings {
  const url = given(flags.redisUrl ?? env.REDIS_URL);
  const keyPrefix = given(flags.keyPrefix ?? env.REDIS_KEY_PREFIX) ?? serviceKeyPrefix;
  const problems = [
    ...(url !== undefined && !CHECKS.REDIS_URL.format.test(url) ? [CHECKS.REDIS_URL.problem] : []),
    ...(!CHECKS.REDIS_KEY_PREFIX.format.test(keyPrefix) ? [CHECKS.REDIS_KEY_PREFIX.problem] : []),
  ];
  if (problems.length > 0) throw new UsageError(`invalid Redis settings: ${problems.join('; ')}`);
  if (url === undefined) {
    throw new UsageError(
      'account holds are kept in Redis: set REDIS_URL (as for the service) or pass --redis-url; a service without Redis keeps them per replica and lists them in /health/ready',
    );
  }
  return { url, keyPrefix };
}

/** An empty variable counts as unset, as it does for the services. */
const given = (value: string | undefined) => (value === undefined || value === '' ? undefined : value);
