// Before any decorator runs: without it the property types (for number conversion) are silently not recorded.
import 'reflect-metadata';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, Min, ValidateBy, ValidateIf } from 'class-validator';
import type { QueueType } from '@lib/messaging';

/** One amqp(s) URL, or several separated by commas (the nodes of a cluster); a comma inside a password is written %2C. */
const AMQP_URL_LIST = /^amqps?:\/\/[^\s,]+(\s*,\s*amqps?:\/\/[^\s,]+)*$/;

/** Two places for the broker's address would leave it to a reader to guess which one counts. */
function IsUnsetWhenUrlIsSet(): PropertyDecorator {
  return ValidateBy({
    name: 'isUnsetWhenUrlIsSet',
    validator: {
      validate: (_value, args) => (args?.object as RabbitMqEnv).RABBITMQ_URL === undefined,
      defaultMessage: () => 'RABBITMQ_URLS and RABBITMQ_URL are both set: set one of them',
    },
  });
}

/**
 * The broker settings every egress service reads, with their defaults: the URL (or its parts), the
 * prefetch and the broker timeouts. Tools that only talk to the broker (the dead-letter tool) read
 * these and nothing else. Type checks such as `@IsInt()` sit closest to the property: class-validator
 * runs decorators bottom-up and stops at the first failure, so a non-number is reported as such.
 */
export class RabbitMqEnv {
  @IsOptional()
  @Matches(AMQP_URL_LIST, { message: 'RABBITMQ_URL must be an amqp:// or amqps:// URL, or several separated by commas' })
  RABBITMQ_URL?: string;

  /** The cluster's nodes: the service connects to the first live one and moves on when its node dies. */
  @Matches(AMQP_URL_LIST, { message: 'RABBITMQ_URLS must be amqp:// or amqps:// URLs separated by commas' })
  @IsUnsetWhenUrlIsSet()
  @ValidateIf((env: RabbitMqEnv) => env.RABBITMQ_URLS !== undefined)
  RABBITMQ_URLS?: string;

  @IsString()
  @IsNotEmpty()
  RABBITMQ_HOST: string = '127.0.0.1';

  @Min(1)
  @Max(65535)
  @IsInt()
  RABBITMQ_PORT: number = 5672;

  @IsString()
  @IsNotEmpty()
  RABBITMQ_USER: string = 'guest';

  @IsString()
  RABBITMQ_PASSWORD: string = 'guest';

  @IsString()
  @IsNotEmpty()
  RABBITMQ_VHOST: string = '/';

  /**
   * Unacked messages per replica. Little's law: 600 in flight at about 300 ms per message (a 200 ms
   * vendor call and the service) is 2,000 msg/s; CPU caps one replica lower (bench/README.md).
   */
  @Min(1)
  @Max(65535)
  @IsInt()
  RABBITMQ_PREFETCH: number = 600;

  /** How long start-up waits for the broker before it gives up with an error. */
  @Min(100)
  @IsInt()
  RABBITMQ_CONNECT_TIMEOUT_MS: number = 30000;

  /**
   * `quorum` replicates every queue over the cluster (production); `classic` (default) keeps the
   * queues deployments already have: RabbitMQ cannot change a queue's type in place (README, migration).
   */
  @IsIn(['classic', 'quorum'], { message: 'RABBITMQ_QUEUE_TYPE must be classic or quorum' })
  RABBITMQ_QUEUE_TYPE: QueueType = 'classic';

  /** Quorum queues: deliveries of one message (crashes, requeues) before the broker dead-letters it. */
  @Min(2)
  @Max(1000)
  @IsInt()
  RABBITMQ_DELIVERY_LIMIT: number = 20;

  /** Longest wait for the broker to confirm a publish (retry, dead-letter, event). */
  @Min(100)
  @IsInt()
  RABBITMQ_PUBLISH_TIMEOUT_MS: number = 5000;
}
