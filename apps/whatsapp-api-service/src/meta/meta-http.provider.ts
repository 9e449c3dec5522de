import { provideVendorHttpClient } from '@lib/vendor-http';
import { WhatsappConfig } from '../config/whatsapp.config';

/** The Graph API's HTTP client: its pool, timeout and the `meta_api_*` metrics the dashboards and alerts read. */
export const META_HTTP = Symbol('META_HTTP');

export const metaHttpProvider = provideVendorHttpClient({
  provide: META_HTTP,
  inject: [WhatsappConfig],
  useFactory: (config: WhatsappConfig) => ({
    vendor: 'Meta',
    baseUrl: config.meta.baseUrl,
    timeoutMs: config.meta.timeoutMs,
    // One socket per message that can be in flight (the prefetch), so none waits for a socket.
    connections: config.rabbitmq.prefetch,
    userAgent: `${config.service.name}/${config.service.version}`,
    metricPrefix: 'meta_api',
  }),
});
