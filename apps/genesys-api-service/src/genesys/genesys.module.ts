import { DynamicModule, Module, ModuleMetadata } from '@nestjs/common';
import { GenesysApiClient } from './genesys-api.client';
import { GENESYS_CLIENT_OPTIONS, GenesysClientOptions } from './genesys-client.options';
import { GenesysErrorClassifier } from './genesys-error.classifier';
import { genesysApiHttpProvider, genesysLoginHttpProvider } from './genesys-http.providers';
import { GenesysLoginClient } from './genesys-login.client';

export interface GenesysModuleAsyncOptions {
  imports?: ModuleMetadata['imports'];
  useFactory: (...args: any[]) => GenesysClientOptions;
  inject?: any[];
}

/**
 * Genesys Cloud, isolated: the Open Messaging API client, the login client and the classifier of their
 * answers. Needs the observability module (metrics of both pools); their pools close at shutdown, after
 * the consumers drained.
 */
@Module({})
export class GenesysModule {
  static forRootAsync(options: GenesysModuleAsyncOptions): DynamicModule {
    return {
      module: GenesysModule,
      imports: options.imports ?? [],
      providers: [
        { provide: GENESYS_CLIENT_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] },
        genesysApiHttpProvider,
        genesysLoginHttpProvider,
        GenesysApiClient,
        GenesysLoginClient,
        GenesysErrorClassifier,
      ],
      exports: [GenesysApiClient, GenesysLoginClient, GenesysErrorClassifier],
    };
  }
}
