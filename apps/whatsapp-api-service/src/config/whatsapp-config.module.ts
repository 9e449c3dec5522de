import { DynamicModule, Global, Module } from '@nestjs/common';
import { WhatsappConfig } from './whatsapp.config';

/** Makes the validated configuration injectable everywhere, by its class. */
@Global()
@Module({})
export class WhatsappConfigModule {
  static forRoot(config: WhatsappConfig): DynamicModule {
    return { module: WhatsappConfigModule, providers: [{ provide: WhatsappConfig, useValue: config }], exports: [WhatsappConfig] };
  }
}
