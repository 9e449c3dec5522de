interface SerializedError {
  type: string;
  message: string;
  code?: string;
  status?: number;
  stack?: string;
}

/**
 * Errors are logged by their type, message, code and stack only. Axios errors in particular carry the
 * request config and headers (our bearer tokens) and must never be printed whole.
 */
export function serializeErrorSafely(value: unknown): unknown {
  if (!(value instanceof Error)) return value;
  const { code, response } = value as Error & { code?: unknown; response?: { status?: unknown } };
  const safe: SerializedError = {
    type: value.name,
    message: value.message,
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof response?.status === 'number' ? { status: response.status } : {}),
    stack: value.stack,
  };
  return safe;
}
