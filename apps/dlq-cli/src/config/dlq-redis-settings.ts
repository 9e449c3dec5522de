import 'reflect-metadata';
import { ConfigValidationError, IsRedisKeyPrefix, IsRedisUrl, loadServiceConfig } from '@lib/service';
import { UsageError } from '../dlq-errors';

export interface DlqRedisSettings {
  url: string;
  keyPrefix: string;
}

/** The two Redis variables with the services' own checks, so the tool accepts exactly what a service would. */
class DlqRedisEnv {
  @IsRedisUrl()
  REDIS_URL?: string;

  @IsRedisKeyPrefix()
  REDIS_KEY_PREFIX: string;
}

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
  let settings: DlqRedisEnv;
  try {
    settings = loadServiceConfig(DlqRedisEnv, {
      REDIS_URL: given(flags.redisUrl) ?? env.REDIS_URL,
      REDIS_KEY_PREFIX: given(flags.keyPrefix) ?? given(env.REDIS_KEY_PREFIX) ?? serviceKeyPrefix,
    });
  } catch (error) {
    if (error instanceof ConfigValidationError) throw new UsageError(`invalid Redis settings: ${error.problems.join('; ')}`);
    throw error;
  }
  if (settings.REDIS_URL === undefined) {
    throw new UsageError(
      'account holds are kept in Redis: set REDIS_URL (as for the service) or pass --redis-url; a service without Redis keeps them per replica and lists them in /health/ready',
    );
  }
  return { url: settings.REDIS_URL, keyPrefix: settings.REDIS_KEY_PREFIX };
}

/** An empty value counts as unset, as it does for the services. */
const given = (value: string | undefined) => (value === undefined || value === '' ? undefined : value);
