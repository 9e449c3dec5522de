export interface ObservabilityOptions {
  /** `service` field of every log line; also the metric prefix (dashes become underscores). */
  serviceName: string;
  version: string;
  logLevel: string;
  /**
   * Tenants that get a metric label of their own; later ones share `other`, so a platform with
   * thousands of tenants cannot blow up Prometheus' series count.
   * @default 100
   */
  maxTenantLabels?: number;
  /**
   * Tenants remembered as confirmed by the tenant service (`VerifiedTenants`); the least recently
   * confirmed are forgotten beyond it.
   * @default 100000
   */
  maxVerifiedTenants?: number;
  /**
   * Keys of this app's own secrets, redacted in every log line like the defaults
   * (`DEFAULT_REDACTED_KEYS`), which always stay: matched whole, in any case and at any depth, and in
   * query strings, form bodies and JSON text inside strings.
   */
  redactKeys?: readonly string[];
}

export const OBSERVABILITY_OPTIONS = Symbol('OBSERVABILITY_OPTIONS');

/** `whatsapp-api-service` → `whatsapp_api_service_`, the prefix of every metric the service exports. */
export function metricPrefixFor(serviceName: string): string {
  return `${serviceName.replace(/[^a-zA-Z0-9]/g, '_')}_`;
}
