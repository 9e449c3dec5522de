import { EgressServiceConfig, loadServiceConfig } from '@lib/service';
import { version } from '../../../../package.json';
import { GenesysEnv } from './genesys-env.schema';

export const SERVICE_NAME = 'genesys-api-service';

/** Typed, validated configuration of the genesys-api-service: the shared sections and Genesys's; injected by class. */
export class GenesysConfig extends EgressServiceConfig {
  readonly genesys: { apiUrlTemplate: string; loginUrlTemplate: string; timeoutMs: number };
  readonly dedupeTtlS: number;
  /** Per tenant, when its credentials name no `rateLimits`. */
  readonly defaultRateLimit: { requestsPerMinute: number; burstSize: number };

  constructor(env: GenesysEnv) {
    super({ name: SERVICE_NAME, version }, env);
    this.genesys = {
      apiUrlTemplate: env.GENESYS_API_URL_TEMPLATE.replace(/\/+$/, ''),
      loginUrlTemplate: env.GENESYS_LOGIN_URL_TEMPLATE.replace(/\/+$/, ''),
      timeoutMs: env.GENESYS_TIMEOUT_MS,
    };
    this.dedupeTtlS = env.DEDUPE_TTL_S;
    this.defaultRateLimit = { requestsPerMinute: env.RATE_LIMIT_DEFAULT_RPM, burstSize: env.RATE_LIMIT_DEFAULT_BURST };
  }
}

/** Reads and validates `env` (normally `process.env`); throws a `ConfigValidationError` naming every problem. */
export function loadGenesysConfig(env: Record<string, string | undefined>): GenesysConfig {
  return new GenesysConfig(loadServiceConfig(GenesysEnv, env));
}
