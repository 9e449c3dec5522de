import { isISO8601, ValidateBy, ValidationOptions } from 'class-validator';

/** An ISO-8601 date-time string or epoch milliseconds. */
export function IsTimestamp(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isTimestamp',
      validator: {
        validate: (value: unknown) =>
          (typeof value === 'string' && isISO8601(value)) || (typeof value === 'number' && Number.isFinite(value) && value > 0),
        defaultMessage: () => '$property must be an ISO-8601 date-time or epoch milliseconds',
      },
    },
    options,
  );
}
