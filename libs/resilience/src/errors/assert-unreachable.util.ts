/** Compile-time exhaustiveness check for `switch` statements over unions and enums. */
export function assertUnreachable(value: never): never {
  throw new Error(`Unhandled case: ${String(value)}`);
}
