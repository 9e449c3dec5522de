import { ServiceProcess as RunningService, ServiceProcessOptions } from '@lib/testing';
import { WHATSAPP_ENTRY_POINT } from './whatsapp-sandboxed-service';

/** The whatsapp-api-service as a separate process (another replica), from source or built. */
export type ServiceProcess = RunningService;

export const ServiceProcess = {
  /** `built`: run `dist/apps/whatsapp-api-service/main.js` (after `npm run build`) instead of the sources. */
  start: (env: Record<string, string>, options: ServiceProcessOptions = {}): Promise<ServiceProcess> =>
    RunningService.start(WHATSAPP_ENTRY_POINT, env, options),
};
