import { ConfigValidationError } from '@lib/service';

/** The problems a configuration loader names for what `load` gives it; fails the spec if it loads. */
export function configProblems(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}
