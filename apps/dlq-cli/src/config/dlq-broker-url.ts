import { ConfigValidationError, loadServiceConfig, RabbitMqEnv, rabbitMqUrlOf } from '@lib/service';
import { UsageError } from '../dlq-errors';

/**
 * The broker URL when `--url` is not given: the services' own `RABBITMQ_URL`, or the URL they build
 * from `RABBITMQ_HOST`, `_PORT`, `_USER`, `_PASSWORD` and `_VHOST`, with the same defaults and checks,
 * so the tool and the services always talk to the same broker. Only `RABBITMQ_*` is read.
 */
export function brokerUrlFromEnv(env: Record<string, string | undefined>): string {
  const brokerVariables = Object.fromEntries(Object.entries(env).filter(([name]) => name.startsWith('RABBITMQ_')));
  try {
    return rabbitMqUrlOf(loadServiceConfig(RabbitMqEnv, brokerVariables));
  } catch (error) {
    if (error instanceof ConfigValidationError) throw new UsageError(`invalid broker settings: ${error.problems.join('; ')}`);
    throw error;
  }
}
