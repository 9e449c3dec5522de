// Before any decorator runs: without it the property types (for number conversion) are silently not recorded.
import 'reflect-metadata';
import { IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

/**
 * The broker settings every egress service reads, with their defaults: the URL (or its parts), the
 * prefetch and the broker timeouts. Tools that only talk to the broker (the dead-letter tool) read
 * these and nothing else. Type checks such as `@IsInt()` sit closest to the property: class-validator
 * runs decorators bottom-up and stops at the first failure, so a non-number is reported as such.
 */
export class RabbitMqEnv {
  @IsOptional()
  @Matches(/^amqps?:\/\/\S+$/, { message: 'RABBITMQ_URL must be an amqp:// or amqps:// URL' })
  RABBITMQ_URL?: string;

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

  /** Longest wait for the broker to confirm a publish (retry, dead-letter, event). */
  @Min(100)
  @IsInt()
  RABBITMQ_PUBLISH_TIMEOUT_MS: number = 5000;
}
