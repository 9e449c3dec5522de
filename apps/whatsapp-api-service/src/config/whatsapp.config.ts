import { EgressServiceConfig, loadServiceConfig } from '@lib/service';
import { version } from '../../../../package.json';
import { WhatsappEnv } from './whatsapp-env.schema';

export const SERVICE_NAME = 'whatsapp-api-service';

/** Typed, validated configuration of the whatsapp-api-service: the shared sections and Meta's; injected by class. */
export class WhatsappConfig extends EgressServiceConfig {
  readonly meta: { baseUrl: string; apiVersion: string; timeoutMs: number };
  /** `probeMs` overrides the per-code probe interval of an account hold. */
  readonly accountHold: { probeMs?: number };
  declare readonly sharedState: EgressServiceConfig['sharedState'] & { defaultMessagesPerSecond: number };

  constructor(env: WhatsappEnv) {
    super({ name: SERVICE_NAME, version }, env);
    this.meta = {
      baseUrl: env.META_API_BASE_URL.replace(/\/+$/, ''),
      apiVersion: env.META_API_VERSION,
      timeoutMs: env.META_API_TIMEOUT_MS,
    };
    this.accountHold = { probeMs: env.ACCOUNT_HOLD_PROBE_MS };
    this.sharedState = { ...this.sharedState, defaultMessagesPerSecond: env.RATE_LIMIT_DEFAULT_MPS };
  }
}

/** Reads and validates `env` (normally `process.env`); throws a `ConfigValidationError` naming every problem. */
export function loadWhatsappConfig(env: Record<string, string | undefined>): WhatsappConfig {
  return new WhatsappConfig(loadServiceConfig(WhatsappEnv, env));
}
