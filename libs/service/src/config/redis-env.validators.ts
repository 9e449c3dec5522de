import { IsOptional, Matches } from 'class-validator';

/**
 * The checks of `REDIS_URL` and `REDIS_KEY_PREFIX`, for the services' env and for tools that read a
 * service's Redis with the same rules (the dead-letter tool's account holds).
 */
export function IsRedisUrl(): PropertyDecorator {
  const optional = IsOptional();
  const url = Matches(/^rediss?:\/\/\S+$/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' });
  return (target, property) => {
    url(target, property);
    optional(target, property);
  };
}

export function IsRedisKeyPrefix(): PropertyDecorator {
  return Matches(/^[A-Za-z0-9:_-]{1,64}$/, { message: 'REDIS_KEY_PREFIX must be 1-64 letters, digits, :, _ or -' });
}
