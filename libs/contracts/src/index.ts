export * from './egress-service';
export * from './egress-services.registry';
export * from './genesys-inbound.contract';
export * from './genesys-regions';
export * from './iso-date-time';
export * from './whatsapp-outbound.contract';
export * from './work-queue-contract';
