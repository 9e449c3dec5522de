import { RabbitMqEnv } from './rabbitmq-env.schema';

type BrokerAddress = Pick<RabbitMqEnv, 'RABBITMQ_HOST' | 'RABBITMQ_PORT' | 'RABBITMQ_USER' | 'RABBITMQ_PASSWORD' | 'RABBITMQ_VHOST'>;

/** The broker URL built from `RABBITMQ_HOST`, `_PORT`, `_USER`, `_PASSWORD` and `_VHOST`, each part escaped. */
export function amqpUrlFromParts(env: BrokerAddress): string {
  const credentials = `${encodeURIComponent(env.RABBITMQ_USER)}:${encodeURIComponent(env.RABBITMQ_PASSWORD)}`;
  const vhost = env.RABBITMQ_VHOST === '/' ? '' : `/${encodeURIComponent(env.RABBITMQ_VHOST)}`;
  return `amqp://${credentials}@${env.RABBITMQ_HOST}:${env.RABBITMQ_PORT}${vhost}`;
}

type BrokerUrls = BrokerAddress & Pick<RabbitMqEnv, 'RABBITMQ_URL' | 'RABBITMQ_URLS'>;

/** The brokers a service may talk to, in order: `RABBITMQ_URLS` or `RABBITMQ_URL` (either may list several), else the URL built from its parts. */
export function rabbitMqUrlsOf(env: BrokerUrls): string[] {
  const list = env.RABBITMQ_URLS ?? env.RABBITMQ_URL;
  return list ? list.split(',').map((url) => url.trim()) : [amqpUrlFromParts(env)];
}

/** The first broker a service talks to, for tools that make one short connection (the dead-letter tool). */
export function rabbitMqUrlOf(env: BrokerUrls): string {
  return rabbitMqUrlsOf(env)[0];
}
