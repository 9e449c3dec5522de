import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { amqpUrlFromParts } from '../../../whatsapp-api-service/src/config/whatsapp.config';
import { WhatsappEnv } from '../../../whatsapp-api-service/src/config/whatsapp-env.schema';
import { UsageError } from '../dlq-errors';

/**
 * The broker URL when `--url` is not given: the service's own `RABBITMQ_URL`, or the URL it builds
 * from `RABBITMQ_HOST`, `_PORT`, `_USER`, `_PASSWORD` and `_VHOST`, with the service's defaults and
 * checks, so the tool and the service always talk to the same broker. Only `RABBITMQ_*` is read.
 */
export function brokerUrlFromEnv(env: Record<string, string | undefined>): string {
  const brokerVariables = Object.fromEntries(
    Object.entries(env).filter(([name, value]) => name.startsWith('RABBITMQ_') && value !== undefined && value !== ''),
  );
  const parsed = plainToInstance(WhatsappEnv, brokerVariables, { enableImplicitConversion: true });
  const problems = validateSync(parsed, { forbidUnknownValues: false, stopAtFirstError: true })
    .filter((error) => error.property.startsWith('RABBITMQ_'))
    .flatMap((error) => Object.values(error.constraints ?? {}));
  if (problems.length > 0) throw new UsageError(`invalid broker settings: ${problems.join('; ')}`);
  return parsed.RABBITMQ_URL ?? amqpUrlFromParts(parsed);
}
