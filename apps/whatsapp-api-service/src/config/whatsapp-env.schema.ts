import { IsInt, IsOptional, IsUrl, Matches, Min } from 'class-validator';
import { WHATSAPP_EGRESS_SERVICE } from '@lib/contracts';
import { EgressServiceEnv } from '@lib/service';

const HTTP_URL = { require_tld: false, protocols: ['http', 'https'], require_protocol: true };

/**
 * Every environment variable the whatsapp-api-service reads: those every egress service shares
 * (`EgressServiceEnv`) and its own, for Meta, with their defaults. README "Configuration" mirrors it.
 * Type checks such as `@IsInt()` sit closest to the property: class-validator runs decorators
 * bottom-up and stops at the first failure, so a non-number is reported as such.
 */
export class WhatsappEnv extends EgressServiceEnv {
  REDIS_KEY_PREFIX = WHATSAPP_EGRESS_SERVICE.redisKeyPrefix;

  @IsUrl(HTTP_URL, { message: 'META_API_BASE_URL must be an http(s) URL' })
  META_API_BASE_URL: string = 'https://graph.facebook.com';

  @Matches(/^v\d+\.\d+$/, { message: 'META_API_VERSION must look like v26.0' })
  META_API_VERSION: string = 'v26.0';

  @Min(1)
  @IsInt()
  META_API_TIMEOUT_MS: number = 10000;

  /** Messages per second per business number when the tenant's credentials name no limit (Meta's default). */
  @Min(1)
  @IsInt()
  RATE_LIMIT_DEFAULT_MPS: number = 80;

  /**
   * How often one message probes a tenant whose account Meta refused as a whole (locked, blocked,
   * unpaid). Unset: the classifier's interval for the error code (30 min to 6 h).
   */
  @IsOptional()
  @Min(1000)
  @IsInt()
  ACCOUNT_HOLD_PROBE_MS?: number;

  static override problemsAcrossFields(env: WhatsappEnv): string[] {
    return [
      ...super.problemsAcrossFields(env),
      ...this.vendorTimeoutProblems('META_API_TIMEOUT_MS', env.META_API_TIMEOUT_MS, env.HANDLER_TIMEOUT_MS),
    ];
  }
}
