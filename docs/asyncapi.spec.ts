import 'reflect-metadata';
import {
  BrokerPublisher,
  DeadLetterPublisher,
  DeliveryHeader,
  MessagingOptions,
  OutcomeContext,
  retryQueueDeclarations,
  tenantDelayQueueDeclaration,
  workQueueDeclaration,
} from '@lib/messaging';
import { RetryScheduler } from '@lib/messaging/outcome/retry-scheduler.service';
import { DeclareChannel } from '@lib/messaging/publishing/declare-channel';
import { VerifiedTenants } from '@lib/observability';
import { DeliveryError, DeliveryErrorCategory } from '@lib/resilience';
import { ConsumeMessage, Options } from 'amqplib';
import { META_MESSAGE_STATUSES } from '../apps/whatsapp-api-service/src/meta/meta-send-receipt';
import { MetaCategory, WHATSAPP_CATEGORIES } from '../apps/whatsapp-api-service/src/meta/meta-error-categories';
import { ENVELOPE_METADATA_RULES } from '../apps/whatsapp-api-service/src/outbound/envelope-metadata';
import { WHATSAPP_OUTBOUND_QUEUE, whatsappStatusRoutingKey } from '@lib/contracts';
import { WabaPayloadValidator } from '../apps/whatsapp-api-service/src/outbound/payload-validation/waba-payload.validator';
import { failedEvent, identityOf, sentEvent } from '../apps/whatsapp-api-service/src/outbound/status-event.factory';
import { AsyncApiDocument, Json } from './checks/asyncapi-document';
import { fieldRulesDrift } from './checks/field-rules-drift';
import { payloadSchemaDrift } from './checks/payload-schema-drift';

/** docs/asyncapi.yaml against the code that produces and consumes what it describes. */
const document = AsyncApiDocument.load();
const { channels, components } = document.raw;
const schemas = components.schemas;
const sorted = (values: Iterable<string>) => [...values].sort();

/** Records what our publishers hand to the broker, without a broker. */
function recordingPublisher() {
  const published: { exchange: string; routingKey: string; options: Options.Publish }[] = [];
  const publisher = {
    publish: async (exchange: string, routingKey: string, _content: Buffer, options: Options.Publish = {}) =>
      void published.push({ exchange, routingKey, options }),
  };
  return { publisher: publisher as unknown as BrokerPublisher, published };
}

const consumed = {
  content: Buffer.from('{}'),
  fields: { routingKey: 'outbound.processed.acme' },
  properties: { headers: {} },
} as unknown as ConsumeMessage;
const state = { attempts: 1, deferrals: 0, firstSeenAt: 1_700_000_000_000, originalRoutingKey: 'outbound.processed.acme' };
const options = { topology: { ...WHATSAPP_OUTBOUND_QUEUE, retryDelayTiersMs: [1000, 2000] } } as unknown as MessagingOptions;

describe('docs/asyncapi.yaml', () => {
  it('is an AsyncAPI 3.0 document whose channels, operations, messages and $refs hold together', () => {
    expect(document.structureProblems()).toEqual([]);
    expect(Object.keys(document.raw.operations).map((name) => [name, document.raw.operations[name].action])).toEqual(
      expect.arrayContaining([
        ['receiveOutboundEnvelope', 'receive'],
        ['sendStatusEvent', 'send'],
        ['sendDeadLetter', 'send'],
      ]),
    );
  });

  it('catches a broken document', () => {
    const broken = AsyncApiDocument.load();
    broken.raw.asyncapi = '2.6.0';
    broken.raw.operations.sendDeadLetter.messages = [{ $ref: '#/channels/statusEvents/messages/statusEvent' }];
    broken.raw.channels.statusEvents.address = 'outbound.status.{tenant}';
    broken.raw.components.messages.StatusEvent.payload = { $ref: '#/components/schemas/Nothing' };
    expect(broken.structureProblems()).toEqual([
      "asyncapi must be '3.0.0', not 2.6.0",
      '#/components/messages/StatusEvent/payload: $ref #/components/schemas/Nothing resolves to nothing',
      'channel statusEvents: address parameters [tenant] but declares [tenantId]',
      "operation sendDeadLetter: message #/channels/statusEvents/messages/statusEvent is not one of its channel's messages",
    ]);
  });

  describe('the envelope', () => {
    it('documents exactly what the envelope check validates, required and optional alike', () => {
      expect(schemas.OutboundEnvelope.required).toEqual(['metadata', 'wabaPayload']);
      expect(document.flatten(schemas.OutboundEnvelope.properties.wabaPayload).type).toBe('object');
      const metadata = schemas.OutboundEnvelope.properties.metadata;
      expect(fieldRulesDrift(document, ENVELOPE_METADATA_RULES, metadata, 'OutboundEnvelope.metadata', 'the envelope check')).toEqual([]);
    });

    it('documents the payload as the validator checks it: Meta’s Message, the documented limits, mark-as-read', () => {
      expect(payloadSchemaDrift(document)).toEqual([]);
    });

    it('offers the message types the validator knows, through the vendored Message', () => {
      const [message] = schemas.OutboundEnvelope.properties.wabaPayload.oneOf[0].allOf;
      expect(Object.keys(document.pointer(message.$ref).discriminator.mapping)).toEqual(new WabaPayloadValidator().messageTypes);
    });

    it('reports a field the envelope check validates but the document leaves out or states otherwise', () => {
      const trimmed = AsyncApiDocument.load();
      const { EnvelopeMetadata } = trimmed.raw.components.schemas;
      EnvelopeMetadata.required.pop();
      delete EnvelopeMetadata.properties.correlationId;
      EnvelopeMetadata.properties.internalId.maxLength = 64;
      EnvelopeMetadata.properties.channel = { type: 'string' };
      const metadata = trimmed.raw.components.schemas.OutboundEnvelope.properties.metadata;
      expect(fieldRulesDrift(trimmed, ENVELOPE_METADATA_RULES, metadata, 'envelope.metadata', 'the envelope check')).toEqual([
        'envelope.metadata.channel is documented but the envelope check does not check it',
        'envelope.metadata.internalId: the document does not say maxLength(128)',
        'envelope.metadata.timestamp is required in the envelope check but optional in the document',
        'envelope.metadata.correlationId is checked by the envelope check but not documented',
      ]);
    });

    it('reports a payload schema that differs from what the validator compiles', () => {
      const drifted = AsyncApiDocument.load();
      const { wabaPayload } = drifted.raw.components.schemas.OutboundEnvelope.properties;
      drifted.raw.components.schemas.MetaDocumentedLimits.properties.text.properties.body.maxLength = 4000;
      delete drifted.raw.components.schemas.MarkAsRead.properties.typing_indicator;
      delete wabaPayload['x-meta-schema-corrections']['type-optional'];
      expect(payloadSchemaDrift(drifted)).toEqual([
        'MetaDocumentedLimits.properties.text.properties.body.maxLength: the document says 4000 but the code 4096',
        'MarkAsRead.properties.typing_indicator: the document says nothing but the code {"type":"object","required":["type"],"additionalProperties":false,"properties":{"type":{"const":"text"}}}',
        expect.stringMatching(/^x-meta-schema-corrections names \[closed-objects-see-all-their-parts, recipient-type-optional, biz-opaque/),
      ]);
      wabaPayload.oneOf[0].allOf[0].$ref = '#/components/schemas/EnvelopeMetadata';
      expect(payloadSchemaDrift(drifted)[0]).toBe(
        'the message option must reference the vendored #/components/schemas/Message, not #/components/schemas/EnvelopeMetadata',
      );
    });
  });

  describe('status events', () => {
    const envelope = {
      metadata: {
        tenantId: 'acme',
        phoneNumberId: '106540352242922',
        internalId: 'm-1',
        timestamp: '2026-01-01T00:00:00Z',
        correlationId: 'c-1',
      },
      wabaPayload: { to: '+4915112345678' },
      messageType: 'text',
    };
    const sent = sentEvent(identityOf(envelope), { wamid: 'wamid.X', messageStatus: 'paused', reason: null }, 1);
    const failed = failedEvent(identityOf(envelope), new DeliveryError(MetaCategory.WINDOW_EXPIRED, 'closed', { code: 131047 }), 1);
    const schema = schemas.StatusEvent;
    const branch = (status: string) => schema.oneOf.find((option: Json) => option.properties.status.const === status);

    it('documents the fields the factory sets, and which appear only when sent or failed', () => {
      const sentKeys = Object.keys(sent.payload as Json);
      const failedKeys = Object.keys(failed.payload as Json);
      expect(sorted(Object.keys(schema.properties))).toEqual(sorted(new Set([...sentKeys, ...failedKeys])));
      expect(sorted(schema.required)).toEqual(sorted(sentKeys.filter((key) => failedKeys.includes(key))));
      expect(sorted([...schema.required, ...branch('sent').required])).toEqual(sorted(sentKeys));
      expect(sorted([...schema.required, ...branch('failed').required])).toEqual(sorted(failedKeys));
      expect(sorted(schema.properties.status.enum)).toEqual(sorted([(sent.payload as Json).status, (failed.payload as Json).status]));
    });

    it('allows null exactly where the factory can put one', () => {
      const bare = sentEvent({ tenantId: 'acme', internalId: 'm-2' }, { wamid: null, messageStatus: null, reason: null }, 1)
        .payload as Json;
      const nullable = Object.keys(bare).filter((key) => bare[key] === null);
      const documented = Object.keys(schema.properties).filter((key) =>
        [].concat(schema.properties[key].type ?? []).includes('null' as never),
      );
      expect(sorted(documented)).toEqual(sorted(nullable));
    });

    it("names Meta's documented message_status values", () => {
      expect(sorted(schema.properties.messageStatus.examples)).toEqual(sorted(META_MESSAGE_STATUSES));
    });

    it('documents the error object and every category', () => {
      const error = (failed.payload as Json).error;
      expect(sorted(schemas.StatusError.required)).toEqual(sorted(Object.keys(error)));
      expect(sorted(Object.keys(schemas.StatusError.properties))).toEqual(sorted(Object.keys(error)));
      expect(sorted(schemas.StatusError.properties.category.enum)).toEqual(sorted(WHATSAPP_CATEGORIES));
    });

    it('goes out on the documented exchange and routing key', () => {
      expect(sent.exchange).toBe(channels.statusEvents.bindings.amqp.exchange.name);
      expect(sent.routingKey).toBe(channels.statusEvents.address.replace('{tenantId}', 'acme'));
      expect(whatsappStatusRoutingKey('{tenantId}')).toBe(channels.statusEvents.address);
    });
  });

  describe('dead letters', () => {
    async function deadLetter(context: OutcomeContext, error: DeliveryError) {
      const { publisher, published } = recordingPublisher();
      await new DeadLetterPublisher(publisher, options).publish(consumed, context, error);
      return published[0];
    }
    const headers = schemas.DeadLetterHeaders;

    it('documents the headers that are always set as required and every other one the publisher can add', async () => {
      const minimal = await deadLetter(
        { messageType: 'unknown', state },
        new DeliveryError(DeliveryErrorCategory.INVALID_ENVELOPE, 'not JSON'),
      );
      const full = await deadLetter(
        { tenantId: 'acme', messageId: 'm-1', messageType: 'text', state: { ...state, slotAt: 1_700_000_001_000 } },
        new DeliveryError(MetaCategory.RECIPIENT_UNAVAILABLE, 'blocked', { code: 131026, subcode: 2, httpStatus: 400, traceId: 'A1' }),
      );
      expect(sorted(headers.required)).toEqual(sorted(Object.keys(minimal.options.headers)));
      expect(sorted(Object.keys(headers.properties))).toEqual(sorted(Object.keys(full.options.headers)));
    });

    it('goes to the documented exchange, routing key and queue', async () => {
      const { exchange, routingKey } = await deadLetter(
        { messageType: 'text', state },
        new DeliveryError(DeliveryErrorCategory.PERMANENT, 'no'),
      );
      expect(exchange).toBe(channels.deadLetters.bindings.amqp.exchange.name);
      expect(routingKey).toBe(channels.deadLetters.address);
      expect(channels.deadLetters['x-binding']).toEqual({
        queue: WHATSAPP_OUTBOUND_QUEUE.deadLetterQueue,
        bindingKey: WHATSAPP_OUTBOUND_QUEUE.deadLetterRoutingKey,
      });
    });
  });

  describe('retries', () => {
    const declared: { name: string; arguments: unknown }[] = [];
    const declarations = {
      current: async () => ({
        assertQueue: async (name: string, queue: Options.AssertQueue) => void declared.push({ name, arguments: queue.arguments }),
      }),
    };
    const verified = new VerifiedTenants({ serviceName: 'asyncapi-spec', version: '0', logLevel: 'silent' });
    verified.confirm('acme');
    async function retry(error: DeliveryError, tenantId?: string) {
      const { publisher, published } = recordingPublisher();
      const scheduler = new RetryScheduler(publisher, declarations as unknown as DeclareChannel, verified, options);
      await scheduler.schedule(consumed, state, { tierMs: 2000, delayMs: 1900 }, error, tenantId);
      return { ...published[0], replica: scheduler.replica };
    }

    it('documents the retry headers, required and optional', async () => {
      const minimal = await retry(new DeliveryError(DeliveryErrorCategory.TENANT_SERVICE_UNAVAILABLE, 'down'));
      const withCode = await retry(new DeliveryError(DeliveryErrorCategory.TRANSIENT, 'oops', { code: 131000 }));
      const schema = schemas.RetryHeaders;
      expect(sorted(schema.required)).toEqual(sorted(Object.keys(minimal.options.headers)));
      expect(sorted(Object.keys(schema.properties))).toEqual(
        sorted(new Set([...Object.keys(withCode.options.headers), ...Object.values(DeliveryHeader)])),
      );
    });

    it('parks in the documented tier queue and tenant delay queue, declared with the documented arguments', async () => {
      const tier = await retry(new DeliveryError(DeliveryErrorCategory.TRANSIENT, 'oops'));
      expect(tier.exchange).toBe('');
      expect(tier.routingKey).toBe(channels.retryQueue.address.replace('{delayMs}', '2000'));
      const parked = await retry(new DeliveryError(DeliveryErrorCategory.THROTTLED, 'slot'), 'acme');
      expect(parked.routingKey).toBe(channels.tenantDelayQueue.address.replace('{tenantId}', 'acme').replace('{replica}', parked.replica));
      expect(declared).toEqual([{ name: parked.routingKey, arguments: channels.tenantDelayQueue['x-queue-arguments'] }]);
      expect(tenantDelayQueueDeclaration(WHATSAPP_OUTBOUND_QUEUE, '{tenantId}', '{replica}').name).toBe(
        channels.tenantDelayQueue.bindings.amqp.queue.name,
      );
    });
  });

  describe('queues and exchanges', () => {
    it('names the work queue, its binding and its arguments as the topology declares them', () => {
      const { workQueue, outboundProcessed } = channels;
      const declaration = workQueueDeclaration(WHATSAPP_OUTBOUND_QUEUE);
      expect(workQueue.address).toBe(declaration.name);
      expect(workQueue.bindings.amqp.queue.name).toBe(declaration.name);
      expect(workQueue['x-queue-arguments']).toEqual(declaration.arguments);
      expect(workQueue['x-binding']).toEqual({
        exchange: WHATSAPP_OUTBOUND_QUEUE.exchange,
        bindingKey: WHATSAPP_OUTBOUND_QUEUE.bindingKey,
      });
      expect(outboundProcessed.address.replace('{tenantId}', '*')).toBe(WHATSAPP_OUTBOUND_QUEUE.bindingKey);
      expect(outboundProcessed.bindings.amqp.exchange.name).toBe(WHATSAPP_OUTBOUND_QUEUE.exchange);
    });

    it('documents the retry queues with the arguments of every tier', () => {
      for (const declaration of retryQueueDeclarations(options.topology)) {
        const tier = String(declaration.arguments['x-message-ttl']);
        const documented = JSON.parse(JSON.stringify(channels.retryQueue['x-queue-arguments']).replace('"{delayMs}"', tier));
        expect(channels.retryQueue.address.replace('{delayMs}', tier)).toBe(declaration.name);
        expect(documented).toEqual(declaration.arguments);
      }
    });

    it('declares every exchange as a durable topic exchange, as TopologyDeclarer does', () => {
      const exchanges = Object.values<Json>(channels).flatMap((channel) =>
        channel.bindings.amqp.exchange ? [channel.bindings.amqp.exchange] : [],
      );
      expect(sorted(new Set(exchanges.map((exchange) => exchange.name)))).toEqual(
        sorted([WHATSAPP_OUTBOUND_QUEUE.exchange, WHATSAPP_OUTBOUND_QUEUE.deadLetterExchange]),
      );
      for (const exchange of exchanges) expect(exchange).toMatchObject({ type: 'topic', durable: true });
    });
  });
});
