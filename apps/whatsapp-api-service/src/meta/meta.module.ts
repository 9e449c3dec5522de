import { Module } from '@nestjs/common';
import { MetaApiMetrics } from './meta-api.metrics';
import { MetaErrorClassifier } from './meta-error.classifier';
import { MetaGraphClient } from './meta-graph.client';

@Module({
  providers: [MetaGraphClient, MetaErrorClassifier, MetaApiMetrics],
  exports: [MetaGraphClient, MetaErrorClassifier],
})
export class MetaModule {}
