import 'reflect-metadata';
import { GENESYS_EGRESS_SERVICE } from '@lib/contracts';
import { EgressServiceEnv } from '@lib/service';
import { IsInt, Matches, Max, Min } from 'class-validator';

/** An http(s) URL with `{region}` in it (the host for Genesys, a path for a local simulator), so each environment stays apart. */
const REGION_URL_TEMPLATE = /^https?:\/\/[^?#\s]*\{region\}[^?#\s]*$/;

/**
 * Every environment variable the genesys-api-service reads: those every egress service shares
 * (`EgressServiceEnv`) and its own, for Genesys Cloud, with their defaults. README "Configuration"
 * mirrors it. Type checks such as `@IsInt()` sit closest to the property (class-validator stops at the
 * first failure, bottom-up).
 */
export class GenesysEnv extends EgressServiceEnv {
  REDIS_KEY_PREFIX = GENESYS_EGRESS_SERVICE.redisKeyPrefix;

  /** Genesys's API host of a region (`https://api.mypurecloud.ie`); tests point it at a simulator. */
  @Matches(REGION_URL_TEMPLATE, { message: 'GENESYS_API_URL_TEMPLATE must be an http(s) URL with {region} in it' })
  GENESYS_API_URL_TEMPLATE: string = 'https://api.{region}';

  /** Genesys's login host of a region (`https://login.mypurecloud.ie`), for OAuth client credentials. */
  @Matches(REGION_URL_TEMPLATE, { message: 'GENESYS_LOGIN_URL_TEMPLATE must be an http(s) URL with {region} in it' })
  GENESYS_LOGIN_URL_TEMPLATE: string = 'https://login.{region}';

  @Min(100)
  @IsInt()
  GENESYS_TIMEOUT_MS: number = 10000;

  /** How long a delivered message is remembered, so a copy of it is acked without a second Genesys call. */
  @Min(60)
  @Max(7 * 24 * 60 * 60)
  @IsInt()
  DEDUPE_TTL_S: number = 86400;

  static override problemsAcrossFields(env: GenesysEnv): string[] {
    return [
      ...super.problemsAcrossFields(env),
      ...this.vendorTimeoutProblems('GENESYS_TIMEOUT_MS', env.GENESYS_TIMEOUT_MS, env.HANDLER_TIMEOUT_MS),
    ];
  }
}
