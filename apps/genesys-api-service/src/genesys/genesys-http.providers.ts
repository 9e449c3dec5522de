import { provideVendorHttpClient, VendorHttpClient } from '@lib/vendor-http';
import { GENESYS_CLIENT_OPTIONS, GenesysClientOptions } from './genesys-client.options';

/** A Genesys pool: no base URL (the host is the tenant's region), metrics labelled by region. */
export type GenesysHttpClient = VendorHttpClient<'region'>;

/** The Open Messaging API's pool and its `genesys_api_*` metrics (by tenant, status code and region). */
export const GENESYS_API_HTTP = Symbol('GENESYS_API_HTTP');

/** The login hosts' pool, apart so token requests neither wait for API sockets nor count as API calls (`genesys_login_*`). */
export const GENESYS_LOGIN_HTTP = Symbol('GENESYS_LOGIN_HTTP');

export const genesysApiHttpProvider = provideVendorHttpClient<'region'>({
  provide: GENESYS_API_HTTP,
  inject: [GENESYS_CLIENT_OPTIONS],
  useFactory: (options: GenesysClientOptions) => ({
    vendor: 'Genesys Cloud',
    timeoutMs: options.timeoutMs,
    connections: options.connections,
    userAgent: options.userAgent,
    metricPrefix: 'genesys_api',
    labelNames: ['region'],
  }),
});

export const genesysLoginHttpProvider = provideVendorHttpClient<'region'>({
  provide: GENESYS_LOGIN_HTTP,
  inject: [GENESYS_CLIENT_OPTIONS],
  useFactory: (options: GenesysClientOptions) => ({
    vendor: 'Genesys Cloud login',
    timeoutMs: options.timeoutMs,
    // One token request per tenant and region at a time (the token cache's single flight), at most one per message in flight.
    connections: options.connections,
    userAgent: options.userAgent,
    metricPrefix: 'genesys_login',
    labelNames: ['region'],
  }),
});
