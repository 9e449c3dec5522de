export * from './observability.module';
export * from './observability.options';
export * from './logging/log-context';
export * from './logging/secret-redactor';
export * from './logging/safe-error.serializer';
export * from './metrics/delivery-metrics.service';
export * from './metrics/metric-factory.service';
export * from './metrics/tenant-label.service';
