/**
 * Genesys's normalized error body (`ErrorBody` in the SDKs). Since the 429 normalisation every answer
 * carries `code` and `contextId`, the request's `ININ-Correlation-Id`, to quote to Genesys support.
 */
export interface GenesysErrorBody {
  message?: string;
  /** Dotted code, e.g. `too.many.requests.retry.after`, `missing.permissions`, `bad.credentials`. */
  code?: string;
  status?: number;
  contextId?: string;
  entityId?: string;
  entityName?: string;
  messageWithParams?: string;
  messageParams?: Record<string, string>;
  details?: unknown[];
  errors?: unknown[];
}
