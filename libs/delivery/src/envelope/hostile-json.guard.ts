/** Keys that reach an object's prototype when code copies or merges parsed input (class-transformer does). */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Far deeper than any Cloud API body (about 7 levels), far shallower than what overflows a recursive validator. */
export const MAX_JSON_DEPTH = 32;

/**
 * Why parsed JSON must not reach validation, or undefined when it may: a prototype-pollution key at
 * any depth (however it was escaped in the text), or nesting deeper than MAX_JSON_DEPTH. Walks
 * iteratively, so hostile nesting cannot overflow the stack here either.
 */
export function hostileShapeOf(json: unknown): string | undefined {
  const pending: Array<{ value: unknown; depth: number }> = [{ value: json, depth: 0 }];
  while (pending.length > 0) {
    const { value, depth } = pending.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_JSON_DEPTH) return `message nests deeper than ${MAX_JSON_DEPTH} levels`;
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) return `message contains a forbidden "${key}" key`;
      pending.push({ value: (value as Record<string, unknown>)[key], depth: depth + 1 });
    }
  }
  return undefined;
}
