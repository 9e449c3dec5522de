import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { WhatsappEnv } from '../../../whatsapp-api-service/src/config/whatsapp-env.schema';
import { UsageError } from '../dlq-errors';

export interface DlqRedisSettings {
  url: string;
  keyPrefix: string;
}

/**
 * The Redis holding the service's shared state: `--redis-url` / `--key-prefix`, else the service's own
 * `REDIS_URL` and `REDIS_KEY_PREFIX`, with the service's default and checks, so the tool reads the keys
 * the service writes. Only those two variables are read; values are never echoed.
 */
export function redisSettingsFrom(
  flags: { redisUrl?: string; keyPrefix?: string },
  env: Record<string, string | undefined>,
): DlqRedisSettings {
  const given = {
    REDIS_URL: flags.redisUrl ?? env.REDIS_URL,
    REDIS_KEY_PREFIX: flags.keyPrefix ?? env.REDIS_KEY_PREFIX,
  };
  const variables = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = plainToInstance(WhatsappEnv, variables, { enableImplicitConversion: true });
  const problems = validateSync(parsed, { forbidUnknownValues: false, stopAtFirstError: true })
    .filter((error) => error.property === 'REDIS_URL' || error.property === 'REDIS_KEY_PREFIX')
    .flatMap((error) => Object.values(error.constraints ?? {}));
  if (problems.length > 0) throw new UsageError(`invalid Redis settings: ${problems.join('; ')}`);
  if (!parsed.REDIS_URL) {
    throw new UsageError(
      'account holds are kept in Redis: set REDIS_URL (as for the service) or pass --redis-url; a service without Redis keeps them per replica and lists them in /health/ready',
    );
  }
  return { url: parsed.REDIS_URL, keyPrefix: parsed.REDIS_KEY_PREFIX };
}
