import { Module } from '@nestjs/common';
import { MetaErrorClassifier } from './meta-error.classifier';
import { MetaGraphClient } from './meta-graph.client';
import { metaHttpProvider } from './meta-http.provider';

@Module({
  providers: [metaHttpProvider, MetaGraphClient, MetaErrorClassifier],
  exports: [MetaGraphClient, MetaErrorClassifier],
})
export class MetaModule {}
