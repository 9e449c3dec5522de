import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ConfigValidationError } from './config-validation.error';

/** An env class: its decorated properties with their defaults, and optionally the checks across them. */
export interface EnvClass<E extends object> {
  new (): E;
  problemsAcrossFields?(env: NoInfer<E>): string[];
}

/**
 * Reads and validates `env` (normally `process.env`) into `envClass`. Empty strings count as unset,
 * so a blank `KEY=` in a compose file falls back to the default rather than failing as malformed.
 * Throws a `ConfigValidationError` naming every problem at once; no value is ever part of it.
 */
export function loadServiceConfig<E extends object>(envClass: EnvClass<E>, env: Record<string, string | undefined>): E {
  const provided = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = plainToInstance(envClass, provided, { enableImplicitConversion: true });
  const problems = validateSync(parsed, { forbidUnknownValues: false, stopAtFirstError: true }).flatMap((error) =>
    Object.values(error.constraints ?? {}).map((constraint) => withVariableName(error.property, constraint)),
  );
  problems.push(...(envClass.problemsAcrossFields?.(parsed) ?? []));
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return parsed;
}

function withVariableName(property: string, constraint: string): string {
  return constraint.startsWith(property) ? constraint : `${property}: ${constraint}`;
}
