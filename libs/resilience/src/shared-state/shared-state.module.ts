import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AccountHoldHealthIndicator } from './account-hold.health';
import { AccountHoldMetrics } from './account-hold.metrics';
import { AccountHoldStore } from './account-hold.store';
import { AdaptivePace } from './adaptive-pace.service';
import { ConversationLine } from './conversation-line.service';
import { DeliveryLedger } from './delivery-ledger.service';
import { EventLoopLag } from './event-loop-lag';
import { RedisConnection } from './redis-connection.service';
import { RedisHealthIndicator } from './redis.health';
import { SendSchedule } from './send-schedule';
import { SharedPauses } from './shared-pauses.service';
import { SHARED_STATE_OPTIONS, SharedStateOptions } from './shared-state.options';
import { TenantRateLimiter } from './tenant-rate-limiter.service';

export interface SharedStateAsyncOptions {
  useFactory: (...args: any[]) => SharedStateOptions;
  inject?: any[];
}

/** State that must hold across replicas (rate limits, de-duplication, account holds), in Redis with an in-process fallback. */
@Module({})
export class SharedStateModule {
  static forRootAsync(options: SharedStateAsyncOptions): DynamicModule {
    return {
      module: SharedStateModule,
      global: true,
      imports: [TerminusModule],
      providers: [
        { provide: SHARED_STATE_OPTIONS, useFactory: options.useFactory, inject: options.inject },
        RedisConnection,
        DeliveryLedger,
        ConversationLine,
        AccountHoldStore,
        AccountHoldMetrics,
        AccountHoldHealthIndicator,
        AdaptivePace,
        EventLoopLag,
        SendSchedule,
        SharedPauses,
        TenantRateLimiter,
        RedisHealthIndicator,
      ],
      exports: [
        SHARED_STATE_OPTIONS,
        RedisConnection,
        DeliveryLedger,
        ConversationLine,
        AccountHoldStore,
        AccountHoldMetrics,
        AccountHoldHealthIndicator,
        SharedPauses,
        TenantRateLimiter,
        RedisHealthIndicator,
      ],
    };
  }
}
