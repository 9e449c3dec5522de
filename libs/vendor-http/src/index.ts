export * from './retry-after.util';
export * from './vendor-http.client';
export * from './vendor-http-client.provider';
export * from './vendor-http.options';
export * from './vendor-http.types';
export * from './vendor-transport.error';
