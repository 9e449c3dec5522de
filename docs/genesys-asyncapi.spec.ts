import 'reflect-metadata';
import { GENESYS_CORRELATION_EVENTS_QUEUE, GENESYS_EGRESS_SERVICE, GENESYS_INBOUND_QUEUE, genesysInboundRoutingKey } from '@lib/contracts';
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
import { inboundEnvelope, inboundReceipt } from '@lib/testing';
import { ConsumeMessage, Options } from 'amqplib';
import { join } from 'node:path';
import { GENESYS_CATEGORIES } from '../apps/genesys-api-service/src/genesys/genesys-error-categories';
import { GenesysErrorClassifier } from '../apps/genesys-api-service/src/genesys/genesys-error.classifier';
import { correlationEvent } from '../apps/genesys-api-service/src/inbound/correlation-event.factory';
import { InboundEnvelopeChecker } from '../apps/genesys-api-service/src/inbound/inbound-envelope';
import { InboundMessageEnvelope } from '../apps/genesys-api-service/src/inbound/inbound-envelope.types';
import { inboundTopology } from '../apps/genesys-api-service/src/inbound/inbound-topology';
import { AsyncApiDocument, Json } from './checks/asyncapi-document';
import { fieldMutations } from './checks/field-mutations';
import { componentValidator } from './checks/json-schema-validator';

/** docs/genesys-asyncapi.yaml against the code that consumes and produces what it describes. */
const FILE = join(__dirname, 'genesys-asyncapi.yaml');
const document = AsyncApiDocument.load(FILE);
const { channels, components } = document.raw;
const schemas = components.schemas;
const sorted = (values: Iterable<string>) => [...values].sort();
const checker = new InboundEnvelopeChecker();
const TENANT = '3f2b8c1e-7d4a-4e5b-9c6d-0a1b2c3d4e5f';
const INTEGRATION = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const ATTACHMENT = {
  mediaType: 'Image' as const,
  url: 'https://media.example.com/a.jpg',
  mime: 'image/jpeg',
  filename: 'a.jpg',
  text: 'caption',
};
const CUSTOMER = { id: '4915112345678', idType: 'Phone' as const, nickname: 'Jo', firstName: 'Jo', lastName: 'Doe' };

/** Samples with every field the service reads, so that changing each one covers the whole contract. */
const SAMPLES: Record<string, Json> = {
  'a current message with text and an attachment': inboundEnvelope({
    tenantId: TENANT,
    from: CUSTOMER,
    text: 'Hello',
    attachments: [ATTACHMENT],
    customAttributes: { waBusinessNumber: '15550001111' },
    retryCount: 0,
  }),
  'a current text message': inboundEnvelope({ tenantId: TENANT, text: 'Hello' }),
  'a legacy message with text and an attachment': inboundEnvelope({
    tenantId: TENANT,
    legacy: true,
    integrationId: INTEGRATION,
    from: CUSTOMER,
    text: 'Hello',
    attachments: [ATTACHMENT],
    timestamp: 1_767_225_600_000,
  }),
  'a legacy attachment without text': inboundEnvelope({
    tenantId: TENANT,
    legacy: true,
    integrationId: INTEGRATION,
    attachments: [ATTACHMENT],
  }),
  'a Failed receipt with reasons': (() => {
    const receipt = inboundReceipt({
      tenantId: TENANT,
      status: 'Failed',
      integrationId: INTEGRATION,
      reasons: [{ code: '131026', message: 'Message undeliverable' }],
    });
    return {
      ...receipt,
      genesysPayload: {
        ...receipt.genesysPayload,
        direction: 'Outbound',
        channel: { ...receipt.genesysPayload.channel, platform: 'Open', type: 'Private' },
      },
    };
  })(),
  'a Read receipt (dropped)': inboundReceipt({ tenantId: TENANT, status: 'Read' }),
};

/** Where the envelope checker and the document's schema disagree about a sample and every change of it. */
function disagreements(doc: AsyncApiDocument): string[] {
  const validate = componentValidator(doc.raw.components, 'InboundEnvelope');
  return Object.entries(SAMPLES).flatMap(([sample, value]) =>
    [{ name: 'unchanged', value }, ...fieldMutations(value)].flatMap((mutation) => {
      const code = checker.check(mutation.value);
      const documented = validate(mutation.value);
      if (code.ok === documented) return [];
      const why = code.ok ? JSON.stringify(validate.errors?.map((error) => `${error.instancePath} ${error.message}`)) : code.reason;
      return [
        `${sample}, ${mutation.name}: the code ${code.ok ? 'accepts' : 'refuses'} it, the document ${documented ? 'accepts' : 'refuses'} it (${why})`,
      ];
    }),
  );
}

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
  fields: { routingKey: genesysInboundRoutingKey(TENANT) },
  properties: { headers: {} },
} as unknown as ConsumeMessage;
const state = { attempts: 1, deferrals: 0, firstSeenAt: 1_700_000_000_000, originalRoutingKey: genesysInboundRoutingKey(TENANT) };
const retry = { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 4000 };
/** As the app module configures the messaging lib. */
const options = {
  topology: inboundTopology(retry),
  deadLetterIdHeaders: { messageId: GENESYS_EGRESS_SERVICE.messageIdHeader, traceId: GENESYS_EGRESS_SERVICE.traceIdHeader },
} as unknown as MessagingOptions;
const classifier = new GenesysErrorClassifier();
/** A Genesys refusal as the service meets it: a 403 with Genesys's code and correlation id. */
const refusal = classifier.classifyResponse(
  {
    status: 403,
    headers: { 'inin-correlation-id': '5a0f3e1c-2b7d-4c9e-8f6a-1d2e3f4a5b6c' },
    body: { code: 'missing.permissions', message: 'You are missing the following permission(s): [conversation:message:receive]' },
  },
  'message',
);

describe('docs/genesys-asyncapi.yaml', () => {
  it('is an AsyncAPI 3.0 document whose channels, operations, messages and $refs hold together', () => {
    expect(document.structureProblems()).toEqual([]);
    expect(Object.keys(document.raw.operations).map((name) => [name, document.raw.operations[name].action])).toEqual([
      ['receiveInboundEnvelope', 'receive'],
      ['sendRetry', 'send'],
      ['sendToTenantDelayQueue', 'send'],
      ['sendCorrelationEvent', 'send'],
      ['sendDeadLetter', 'send'],
    ]);
  });

  describe('the envelope', () => {
    it('has samples the service accepts, a message and a receipt of each shape', () => {
      for (const [sample, value] of Object.entries(SAMPLES)) expect({ sample, ok: checker.check(value).ok }).toEqual({ sample, ok: true });
      const kinds = Object.values(SAMPLES).map((value) => {
        const checked = checker.check(value);
        return checked.ok
          ? `${checked.envelope.kind}${checked.envelope.kind === 'message' ? ` (${checked.envelope.payloadShape})` : ''}`
          : 'refused';
      });
      expect(new Set(kinds)).toEqual(new Set(['message (current)', 'message (legacy)', 'receipt', 'drop']));
    });

    it('accepts and refuses exactly what the envelope checker does, every field of every sample changed every way', () => {
      expect(disagreements(document)).toEqual([]);
    });

    it('reports a limit, a required field or an allowed value the document and the code disagree on', () => {
      const drifted = AsyncApiDocument.load(FILE);
      const { InboundMetadata, ReceiptPayload, Customer } = drifted.raw.components.schemas;
      delete InboundMetadata.properties.correlationId.maxLength;
      ReceiptPayload.required = ReceiptPayload.required.filter((field: string) => field !== 'status');
      Customer.properties.idType.enum.push(null);
      const found = disagreements(drifted);
      expect(found).toEqual(
        expect.arrayContaining([
          expect.stringMatching(
            /^a current text message, metadata\.correlationId = a 300-character string: the code refuses it, the document accepts it/,
          ),
          expect.stringMatching(
            /^a Read receipt \(dropped\), genesysPayload\.status removed: the code refuses it, the document accepts it/,
          ),
          expect.stringMatching(
            /^a current text message, genesysPayload\.channel\.from\.idType = null: the code refuses it, the document accepts it/,
          ),
        ]),
      );
    });
  });

  describe('correlation events', () => {
    const checked = checker.check(SAMPLES['a current message with text and an attachment']);
    const envelope = (checked.ok ? checked.envelope : undefined) as InboundMessageEnvelope;
    const schema = schemas.CorrelationEvent;

    it('documents every field the factory sets, all required, null exactly where Genesys may not have said', () => {
      const known = correlationEvent(envelope, { genesysMessageId: 'a1b2', conversationId: 'c3d4', integrationId: INTEGRATION })
        .payload as Json;
      const unknown = correlationEvent(envelope, { genesysMessageId: null, conversationId: null, integrationId: INTEGRATION })
        .payload as Json;
      expect(sorted(Object.keys(schema.properties))).toEqual(sorted(Object.keys(known)));
      expect(sorted(schema.required)).toEqual(sorted(Object.keys(known)));
      const nullable = Object.keys(schema.properties).filter((key) =>
        [].concat(schema.properties[key].type ?? []).includes('null' as never),
      );
      expect(sorted(nullable)).toEqual(sorted(Object.keys(unknown).filter((key) => unknown[key] === null)));
      expect(schema.properties.status.enum).toEqual([known.status]);
      const validate = componentValidator(components, 'CorrelationEvent');
      expect([validate(known), validate(unknown)]).toEqual([true, true]);
    });

    it('goes to the documented durable queue through the default exchange, confirmed', () => {
      const event = correlationEvent(envelope, { genesysMessageId: null, conversationId: null, integrationId: INTEGRATION });
      expect([event.exchange, event.routingKey, event.required]).toEqual(['', channels.correlationEvents.address, true]);
      expect(channels.correlationEvents.bindings.amqp.queue.name).toBe(GENESYS_CORRELATION_EVENTS_QUEUE.name);
      expect(inboundTopology(retry).durableQueues).toEqual([GENESYS_CORRELATION_EVENTS_QUEUE]);
    });
  });

  describe('dead letters', () => {
    async function deadLetter(context: OutcomeContext, error: DeliveryError) {
      const { publisher, published } = recordingPublisher();
      await new DeadLetterPublisher(publisher, options).publish(consumed, context, error);
      return published[0];
    }
    const headers = schemas.DeadLetterHeaders;

    it('documents the headers that are always set as required and every other one a Genesys refusal adds', async () => {
      const minimal = await deadLetter(
        { messageType: 'unknown', state },
        new DeliveryError(DeliveryErrorCategory.INVALID_ENVELOPE, 'not JSON'),
      );
      const full = await deadLetter(
        { tenantId: TENANT, messageId: 'wamid.ABC', messageType: 'text', state: { ...state, slotAt: 1_700_000_001_000 } },
        refusal,
      );
      expect(sorted(headers.required)).toEqual(sorted(Object.keys(minimal.options.headers)));
      expect(sorted(Object.keys(headers.properties))).toEqual(sorted(Object.keys(full.options.headers)));
      expect(full.options.headers).toMatchObject({ 'x-error-code': 'missing.permissions', 'x-error-status': '403' });
    });

    it('names every category the service can report', () => {
      expect(sorted(headers.properties['x-error-category'].enum)).toEqual(sorted(GENESYS_CATEGORIES));
    });

    it('goes to the documented exchange, routing key and queue', async () => {
      const { exchange, routingKey } = await deadLetter({ messageType: 'text', state }, refusal);
      expect(exchange).toBe(channels.deadLetters.bindings.amqp.exchange.name);
      expect(routingKey).toBe(channels.deadLetters.address);
      expect(channels.deadLetters['x-binding']).toEqual({
        queue: GENESYS_INBOUND_QUEUE.deadLetterQueue,
        bindingKey: GENESYS_INBOUND_QUEUE.deadLetterRoutingKey,
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
    const verified = new VerifiedTenants({ serviceName: 'genesys-asyncapi-spec', version: '0', logLevel: 'silent' });
    verified.confirm(TENANT);
    async function schedule(error: DeliveryError, tenantId?: string) {
      const { publisher, published } = recordingPublisher();
      const scheduler = new RetryScheduler(publisher, declarations as unknown as DeclareChannel, verified, options);
      await scheduler.schedule(consumed, state, { tierMs: 2000, delayMs: 1900 }, error, tenantId);
      return { ...published[0], replica: scheduler.replica };
    }

    it('documents the retry headers, required and optional', async () => {
      const minimal = await schedule(new DeliveryError(DeliveryErrorCategory.TENANT_SERVICE_UNAVAILABLE, 'down'));
      const unavailable = classifier.classifyResponse(
        { status: 503, headers: {}, body: { code: 'service.unavailable', message: 'down' } },
        'message',
      );
      const withCode = await schedule(unavailable);
      const schema = schemas.RetryHeaders;
      expect(sorted(schema.required)).toEqual(sorted(Object.keys(minimal.options.headers)));
      expect(sorted(Object.keys(schema.properties))).toEqual(
        sorted(new Set([...Object.keys(withCode.options.headers), ...Object.values(DeliveryHeader)])),
      );
    });

    it('parks in the documented tier queue and tenant delay queue, declared with the documented arguments', async () => {
      const tier = await schedule(new DeliveryError(DeliveryErrorCategory.TRANSIENT, 'oops'));
      expect(tier.exchange).toBe('');
      expect(tier.routingKey).toBe(channels.retryQueue.address.replace('{delayMs}', '2000'));
      const paused = new DeliveryError('RATE_LIMITED_PAUSE', 'Retry-After', { minRetryDelayMs: 3000, inTenantQueue: true });
      const parked = await schedule(paused, TENANT);
      expect(parked.routingKey).toBe(channels.tenantDelayQueue.address.replace('{tenantId}', TENANT).replace('{replica}', parked.replica));
      expect(declared).toEqual([{ name: parked.routingKey, arguments: channels.tenantDelayQueue['x-queue-arguments'] }]);
      expect(tenantDelayQueueDeclaration(GENESYS_INBOUND_QUEUE, '{tenantId}', '{replica}').name).toBe(
        channels.tenantDelayQueue.bindings.amqp.queue.name,
      );
    });
  });

  describe('queues and exchanges', () => {
    it('names the work queue, its binding and its arguments as the topology declares them', () => {
      const { workQueue, inboundProcessed } = channels;
      const declaration = workQueueDeclaration(GENESYS_INBOUND_QUEUE);
      expect(workQueue.address).toBe(declaration.name);
      expect(workQueue.bindings.amqp.queue.name).toBe(declaration.name);
      expect(workQueue['x-queue-arguments']).toEqual(declaration.arguments);
      expect(workQueue['x-binding']).toEqual({ exchange: GENESYS_INBOUND_QUEUE.exchange, bindingKey: GENESYS_INBOUND_QUEUE.bindingKey });
      expect(genesysInboundRoutingKey('{tenantId}')).toBe(inboundProcessed.address);
      expect(inboundProcessed.address.replace('{tenantId}', '*')).toBe(GENESYS_INBOUND_QUEUE.bindingKey);
      expect(inboundProcessed.bindings.amqp.exchange.name).toBe(GENESYS_INBOUND_QUEUE.exchange);
    });

    it('documents the retry queues with the arguments of every tier', () => {
      for (const declaration of retryQueueDeclarations(inboundTopology(retry))) {
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
        sorted([GENESYS_INBOUND_QUEUE.exchange, GENESYS_INBOUND_QUEUE.deadLetterExchange]),
      );
      for (const exchange of exchanges) expect(exchange).toMatchObject({ type: 'topic', durable: true });
    });
  });
});
