export * from './conversations/conversation-order';
export * from './factories/inbound-envelope.factory';
export * from './factories/outbound-envelope.factory';
export * from './factories/waba-payload.factory';
export * from './rabbitmq/broker-probe';
export * from './rabbitmq/test-vhost';
export * from './rabbitmq/queue-listing';
export * from './random/seeded-random';
export * from './rate-limits/busiest-window';
export * from './simulators/fault-injector';
export * from './simulators/genesys/genesys-cloud.simulator';
export * from './simulators/genesys/genesys-cloud.types';
export type { SimulatedCustomer, SimulatedGenesysMessage } from './simulators/genesys/genesys-conversations';
export type { GenesysErrorBody, GenesysServerError, OAuthErrorBody } from './simulators/genesys/genesys-error-bodies';
export { GENESYS_PERMISSIONS } from './simulators/genesys/genesys-oauth.registry';
export type { GenesysPermission, RegisteredClient, SimulatedGenesysClient } from './simulators/genesys/genesys-oauth.registry';
export * from './simulators/json-http.simulator';
export * from './simulators/local-stack/local-simulators';
export * from './simulators/local-stack/local-stack.config';
export * from './simulators/meta/meta-error-catalog';
export { TRANSIENT_SERVER_ERRORS } from './simulators/meta/meta-faults';
export type {
  InjectedFault,
  MetaFaultContext,
  MetaFaultError,
  MetaFaultMatch,
  OddAcceptance,
  RandomFault,
  RandomFaultMode,
} from './simulators/meta/meta-faults';
export * from './simulators/meta/meta-graph.simulator';
export * from './simulators/meta/meta-request.validator';
export * from './simulators/meta/meta-status-webhook';
export * from './simulators/tenant-service/tenant-service.simulator';
export * from './rabbitmq/private-broker-cluster';
export * from './rabbitmq/private-broker-node';
export * from './redis/in-process-shared-state';
export * from './redis/private-redis-server';
export * from './redis/stall-after-next-write';
export * from './sandbox/app-sandbox';
export * from './sandbox/run-own-redis-keys';
export * from './sandbox/sandboxed-service';
export * from './sandbox/service-process';
export * from './sandbox/service-sandbox';
export * from './sandbox/use-service-sandbox';
export * from './config/config-problems';
export * from './nest/observability-for-spec.module';
