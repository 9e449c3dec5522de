/** Keys whose values never reach a log line, at whatever depth they appear. */
export const SENSITIVE_KEYS = [
  'authorization',
  'Authorization',
  'systemUserAccessToken',
  'accessToken',
  'access_token',
  'token',
  'password',
  'secret',
  'clientSecret',
] as const;

const MAX_DEPTH = 5;

/**
 * pino's redaction matches fixed paths (a `*` stands for one level), so every key is listed at each
 * depth up to MAX_DEPTH. Deeper structures are not logged anywhere in this code base.
 */
export function redactPaths(keys: readonly string[] = SENSITIVE_KEYS): string[] {
  const paths: string[] = [];
  for (const key of keys) {
    for (let depth = 0; depth < MAX_DEPTH; depth += 1) {
      paths.push([...Array(depth).fill('*'), key].join('.'));
    }
  }
  return paths;
}
