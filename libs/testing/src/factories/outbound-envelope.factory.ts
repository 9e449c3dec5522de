import { randomUUID } from 'node:crypto';
import { WABA_PAYLOAD_SAMPLES } from './waba-payload.factory';

export interface EnvelopeOverrides {
  tenantId: string;
  phoneNumberId: string;
  internalId?: string;
  correlationId?: string;
  to?: string;
  wabaPayload?: Record<string, unknown>;
}

/** A valid `outbound-processed` envelope; a text message unless `wabaPayload` says otherwise. */
export function outboundEnvelope(overrides: EnvelopeOverrides) {
  return {
    metadata: {
      tenantId: overrides.tenantId,
      phoneNumberId: overrides.phoneNumberId,
      internalId: overrides.internalId ?? randomUUID(),
      timestamp: new Date().toISOString(),
      correlationId: overrides.correlationId ?? randomUUID(),
    },
    wabaPayload: overrides.wabaPayload ?? WABA_PAYLOAD_SAMPLES.text(overrides.to ?? '+4915112345678'),
  };
}
