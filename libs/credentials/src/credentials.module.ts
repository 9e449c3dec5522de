import { HttpModule } from '@nestjs/axios';
import { TerminusModule } from '@nestjs/terminus';
import { DynamicModule, Module } from '@nestjs/common';
import { Agent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { CREDENTIALS_OPTIONS, CredentialsOptions } from './credentials.options';
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
    return {
      module: CredentialsModule,
      global: true,
      imports: [
        TerminusModule,
        HttpModule.register({
          httpAgent: new Agent({ keepAlive: true, maxSockets: 32 }),
          httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: 32 }),
          maxRedirects: 0,
        }),
      ],
      providers: [
        { provide: CREDENTIALS_OPTIONS, useFactory: options.useFactory, inject: options.inject },
        TenantServiceClient,
        CredentialsCache,
        TenantServiceHealthIndicator,
      ],
      exports: [CredentialsCache, TenantServiceHealthIndicator],
    };
  }
}
