import { HttpModule } from '@nestjs/axios';
import { TerminusModule } from '@nestjs/terminus';
import { DynamicModule, FactoryProvider, Module } from '@nestjs/common';
import { Agent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { CREDENTIALS_OPTIONS, CredentialsOptions, DEFAULT_MAX_CONCURRENT_REQUESTS } from './credentials.options';
import { CredentialsCache } from './credentials-cache.service';
import { TenantServiceClient } from './tenant-service.client';
import { TenantServiceHealthIndicator } from './tenant-service.health';

export interface CredentialsAsyncOptions<T> {
  useFactory: (...args: any[]) => CredentialsOptions<T>;
  inject?: any[];
}

/** Tenant credentials from the platform's tenant service, cached per tenant. */
@Module({})
export class CredentialsModule {
  static forRootAsync<T>(options: CredentialsAsyncOptions<T>): DynamicModule {
    const optionsProvider: FactoryProvider = { provide: CREDENTIALS_OPTIONS, useFactory: options.useFactory, inject: options.inject };
    return {
      module: CredentialsModule,
      global: true,
      imports: [
        TerminusModule,
        HttpModule.registerAsync({
          extraProviders: [optionsProvider],
          inject: [CREDENTIALS_OPTIONS],
          useFactory: (credentials: CredentialsOptions<T>) => {
            // One socket per request slot, and one for the readiness probe: no request waits unseen for a socket.
            const maxSockets = (credentials.maxConcurrentRequests ?? DEFAULT_MAX_CONCURRENT_REQUESTS) + 1;
            return {
              httpAgent: new Agent({ keepAlive: true, maxSockets }),
              httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets }),
              maxRedirects: 0,
            };
          },
        }),
      ],
      providers: [optionsProvider, TenantServiceClient, CredentialsCache, TenantServiceHealthIndicator],
      exports: [CredentialsCache, TenantServiceHealthIndicator],
    };
  }
}
