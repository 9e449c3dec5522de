import { ServiceHeaders, workQueueDeclaration } from '@lib/messaging';
import { EGRESS_SERVICE_NAMES, EGRESS_SERVICES } from './egress-services.registry';
import { GENESYS_CORRELATION_EVENTS_QUEUE, GENESYS_INBOUND_QUEUE, genesysInboundRoutingKey } from './genesys-inbound.contract';
import { WHATSAPP_OUTBOUND_QUEUE, whatsappOutboundRoutingKey, whatsappStatusRoutingKey } from './whatsapp-outbound.contract';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('queue contracts', () => {
  it('name the whatsapp-api-service queues as its publishers and the platform use them', () => {
    expect(WHATSAPP_OUTBOUND_QUEUE).toEqual({
      exchange: 'whatsapp-exchange',
      queue: 'outbound-processed',
      bindingKey: 'outbound.processed.*',
      deadLetterExchange: 'whatsapp-dlx',
      deadLetterQueue: 'outbound-failed',
      deadLetterRoutingKey: 'outbound.failed',
      messageTtlMs: DAY_MS,
    });
    expect(whatsappOutboundRoutingKey('acme')).toBe('outbound.processed.acme');
    expect(whatsappStatusRoutingKey('acme')).toBe('outbound.status.acme');
  });

  it('name the genesys-api-service queues as its publishers and the platform use them', () => {
    expect(GENESYS_INBOUND_QUEUE).toEqual({
      exchange: 'genesys-exchange',
      queue: 'inbound-processed',
      bindingKey: 'inbound.processed.*',
      deadLetterExchange: 'genesys-dlx',
      deadLetterQueue: 'genesys-api-dlq',
      deadLetterRoutingKey: 'inbound.failed',
      messageTtlMs: DAY_MS,
    });
    expect(genesysInboundRoutingKey('acme')).toBe('inbound.processed.acme');
    expect(GENESYS_CORRELATION_EVENTS_QUEUE).toEqual({ name: 'correlation-events', arguments: {} });
  });

  it('are what the messaging lib declares a work queue from', () => {
    expect(workQueueDeclaration(GENESYS_INBOUND_QUEUE)).toEqual({
      name: 'inbound-processed',
      arguments: { 'x-dead-letter-exchange': 'genesys-dlx', 'x-dead-letter-routing-key': 'inbound.failed', 'x-message-ttl': DAY_MS },
    });
  });
});

describe('egress services registry', () => {
  it('knows every egress service by its short name', () => {
    expect(EGRESS_SERVICE_NAMES).toEqual(['whatsapp', 'genesys']);
    expect(EGRESS_SERVICES.whatsapp).toMatchObject({
      service: 'whatsapp-api-service',
      exchange: 'whatsapp-exchange',
      deadLetterQueue: 'outbound-failed',
      redisKeyPrefix: 'whatsapp-api-service:',
      messageIdHeader: 'x-internal-id',
      messageIdField: 'internalId',
    });
    expect(EGRESS_SERVICES.genesys).toMatchObject({
      service: 'genesys-api-service',
      exchange: 'genesys-exchange',
      deadLetterQueue: 'genesys-api-dlq',
      redisKeyPrefix: 'genesys-api-service:',
      messageIdHeader: 'x-whatsapp-message-id',
      messageIdField: 'whatsapp_message_id',
    });
  });

  it.each(EGRESS_SERVICE_NAMES)("agrees with %s's own queue contract", (name) => {
    const service = EGRESS_SERVICES[name];
    const queue = name === 'whatsapp' ? WHATSAPP_OUTBOUND_QUEUE : GENESYS_INBOUND_QUEUE;
    const routingKey = name === 'whatsapp' ? whatsappOutboundRoutingKey : genesysInboundRoutingKey;
    expect(service).toMatchObject({
      exchange: queue.exchange,
      deadLetterExchange: queue.deadLetterExchange,
      deadLetterQueue: queue.deadLetterQueue,
      deadLetterRoutingKey: queue.deadLetterRoutingKey,
    });
    expect(`${service.workRoutingKeyPrefix}*`).toBe(queue.bindingKey);
    expect(`${service.workRoutingKeyPrefix}acme`).toBe(routingKey('acme'));
    expect(service.redisKeyPrefix).toBe(`${service.service}:`);
  });

  it.each(EGRESS_SERVICE_NAMES)("counts %s's id headers as its own, so a replayed copy never carries a stale one", (name) => {
    const { messageIdHeader, traceIdHeader } = EGRESS_SERVICES[name];
    const own = new ServiceHeaders({ messageId: messageIdHeader, traceId: traceIdHeader });
    expect(own.has(messageIdHeader) && own.has(traceIdHeader)).toBe(true);
  });
});
