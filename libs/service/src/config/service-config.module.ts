import { DynamicModule, Global, Module } from '@nestjs/common';
import { EgressServiceConfig } from './egress-service.config';

/**
 * Makes the validated configuration injectable everywhere: by the app's own config class, and as
 * `EgressServiceConfig` for the parts every service shares.
 */
@Global()
@Module({})
export class ServiceConfigModule {
  static forRoot(config: EgressServiceConfig): DynamicModule {
    const providers = [
      { provide: config.constructor, useValue: config },
      { provide: EgressServiceConfig, useValue: config },
    ];
    return { module: ServiceConfigModule, providers, exports: providers.map((provider) => provider.provide) };
  }
}
