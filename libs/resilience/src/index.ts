export * from './errors/assert-unreachable.util';
export * from './errors/delivery-error';
export * from './errors/delivery-error-category';
export * from './errors/next-step';
export * from './backoff/retry-delay.util';
