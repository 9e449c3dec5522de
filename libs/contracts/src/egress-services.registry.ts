import type { EgressService } from './egress-service';
import { GENESYS_EGRESS_SERVICE } from './genesys-inbound.contract';
import { WHATSAPP_EGRESS_SERVICE } from './whatsapp-outbound.contract';

/** Every egress service by the short name operators give tools (`--service whatsapp`). */
export const EGRESS_SERVICES = {
  whatsapp: WHATSAPP_EGRESS_SERVICE,
  genesys: GENESYS_EGRESS_SERVICE,
} as const satisfies Record<string, EgressService>;

export type EgressServiceName = keyof typeof EGRESS_SERVICES;

export const EGRESS_SERVICE_NAMES = Object.keys(EGRESS_SERVICES) as EgressServiceName[];
