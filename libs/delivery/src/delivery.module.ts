import { DynamicModule, Module } from '@nestjs/common';
import { ConversationGate } from './conversation-gate.service';
import { DeliveryPipeline } from './delivery-pipeline.service';
import { DELIVERY_OPTIONS, DeliveryOptions } from './delivery.options';

export interface DeliveryAsyncOptions {
  useFactory: (...args: any[]) => DeliveryOptions;
  inject?: any[];
}

/**
 * The delivery pipeline every egress service runs its messages through, with its own vendor hooks.
 * Needs the messaging lib (state reader) and the shared-state module (delivery ledger) in the app.
 */
@Module({})
export class DeliveryModule {
  static forRootAsync(options: DeliveryAsyncOptions): DynamicModule {
    return {
      module: DeliveryModule,
      global: true,
      providers: [
        { provide: DELIVERY_OPTIONS, useFactory: options.useFactory, inject: options.inject },
        ConversationGate,
        DeliveryPipeline,
      ],
      exports: [DeliveryPipeline],
    };
  }
}
