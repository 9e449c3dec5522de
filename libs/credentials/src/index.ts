export * from './credentials.module';
export * from './credentials.options';
export * from './credentials-cache.service';
export * from './tenant-credentials.types';
export * from './tenant-service.client';
export * from './tenant-service.health';
export * from './tenant-service.problem';
