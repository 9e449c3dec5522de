import { RabbitMqEnv } from './rabbitmq-env.schema';

type BrokerAddress = Pick<RabbitMqEnv, 'RABBITMQ_HOST' | 'RABBITMQ_PORT' | 'RABBITMQ_USER' | 'RABBITMQ_PASSWORD' | 'RABBITMQ_VHOST'>;

/** The broker URL built from `RABBITMQ_HOST`, `_PORT`, `_USER`, `_PASSWORD` and `_VHOST`, each part escaped. */
export function amqpUrlFromParts(env: BrokerAddress): string {
  const credentials = `${encodeURIComponent(env.RABBITMQ_USER)}:${encodeURIComponent(env.RABBITMQ_PASSWORD)}`;
  const vhost = env.RABBITMQ_VHOST === '/' ? '' : `/${encodeURIComponent(env.RABBITMQ_VHOST)}`;
  return `amqp://${credentials}@${env.RABBITMQ_HOST}:${env.RABBITMQ_PORT}${vhost}`;
}

/** The broker a service talks to: `RABBITMQ_URL` when set, else the URL built from its parts. */
export function rabbitMqUrlOf(env: BrokerAddress & Pick<RabbitMqEnv, 'RABBITMQ_URL'>): string {
  return env.RABBITMQ_URL ?? amqpUrlFromParts(env);
}
