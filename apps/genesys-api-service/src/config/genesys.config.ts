import { EgressServiceConfig, loadServiceConfig } from '@lib/service';
import { version } from '../../../../package.json';
import { GenesysEnv } from './genesys-env.schema';

export const SERVICE_NAME = 'genesys-api-service';

/** Typed, validated configuration of the genesys-api-service: the shared sections and Genesys's; injected by class. */
export class GenesysConfig extends EgressServiceConfig {
  readonly genesys: { apiUrlTemplate: string; loginUrlTemplate: string; timeoutMs: number };
  readonly dedupeTtlS: number;

  constructor(env: GenesysEnv) {
    super({ name: SERVICE_NAME, version }, env);
    this.genesys = {
      apiUrlTemplate: env.GENESYS_API_URL_TEMPLATE.replace(/\/+$/, ''),
      loginUrlTemplate: env.GENESYS_LOGIN_URL_TEMPLATE.replace(/\/+$/, ''),
      timeoutMs: env.GENESYS_TIMEOUT_MS,
    };
    this.dedupeTtlS = env.DEDUPE_TTL_S;
  }
}

/** Reads and validates `env` (normally `process.env`); throws a `ConfigValidationError` naming every problem. */
export function loadGenesysConfig(env: Record<string, string | undefined>): GenesysConfig {
  return new GenesysConfig(loadServiceConfig(GenesysEnv, env));
}
