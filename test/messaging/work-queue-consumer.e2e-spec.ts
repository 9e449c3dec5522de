import { Injectable, Module } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { MessagingModule, SubscribeToWorkQueue, TopologyMismatchError, WorkQueueTopology } from '@lib/messaging';
import { ObservabilityModule } from '@lib/observability';
import { DeliveryError, DeliveryErrorCategory } from '@lib/resilience';
import { BrokerProbe, createTestVhost, TestVhost, waitUntil } from '@lib/testing';
import * as amqplib from 'amqplib';

const TOPOLOGY: WorkQueueTopology = {
  exchange: 'lib-exchange',
  queue: 'lib-work',
  bindingKey: 'lib.work.*',
  deadLetterExchange: 'lib-dlx',
  deadLetterQueue: 'lib-failed',
  deadLetterRoutingKey: 'lib.failed',
  messageTtlMs: 60_000,
  retryDelayTiersMs: [100, 200],
};

/** What the handler throws, named by the message: a defect, or a `DeliveryError` of the named category. */
@Injectable()
class ThrowingConsumer {
  calls = new Map<string, number>();

  @SubscribeToWorkQueue(TOPOLOGY)
  async handle(raw: Buffer): Promise<void> {
    const body = JSON.parse(raw.toString()) as { throws?: DeliveryErrorCategory; id: string };
    this.calls.set(body.id, (this.calls.get(body.id) ?? 0) + 1);
    if (body.throws === undefined) throw new Error('defect in handler');
    throw new DeliveryError(body.throws, `thrown ${body.throws}`);
  }
}

@Module({ providers: [ThrowingConsumer] })
class ThrowingConsumerModule {}

function moduleFor(uri: string) {
  return Test.createTestingModule({
    imports: [
      ObservabilityModule.forRootAsync({ useFactory: () => ({ serviceName: 'lib-spec', version: '0', logLevel: 'silent' }) }),
      MessagingModule.forRootAsync({
        useFactory: () => ({
          uri,
          prefetchCount: 10,
          publishTimeoutMs: 2000,
          connectTimeoutMs: 5000,
          topology: TOPOLOGY,
          retry: { baseDelayMs: 100, maxDelayMs: 200 },
          stateBounds: { maxAttempts: 3, maxSlotAheadMs: 1200 },
        }),
      }),
      ThrowingConsumerModule,
    ],
  }).compile();
}

describe('MessagingModule on a real broker', () => {
  let vhost: TestVhost;

  beforeAll(async () => {
    vhost = await createTestVhost('lib-messaging');
  });

  afterAll(() => vhost?.dispose());

  describe('a handler that throws', () => {
    let moduleRef: TestingModule;
    let probe: BrokerProbe;

    beforeAll(async () => {
      moduleRef = await moduleFor(vhost.url);
      await moduleRef.createNestApplication({ logger: false }).init();
      probe = await BrokerProbe.connect(vhost.url);
    });

    afterAll(async () => {
      await probe?.close();
      await moduleRef?.close();
    });

    /** Publishes `body`, waits for its dead letter and says how often the handler ran for it. */
    const deadLetterOf = async (body: { throws?: DeliveryErrorCategory; id: string }) => {
      await probe.publish(TOPOLOGY.exchange, 'lib.work.t1', body);
      await waitUntil(`the dead letter of ${body.id}`, async () => (await probe.messageCount(TOPOLOGY.deadLetterQueue)) === 1, 10_000);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const [deadLetter] = await probe.drain(TOPOLOGY.deadLetterQueue);
      return { deadLetter, calls: moduleRef.get(ThrowingConsumer).calls.get(body.id) };
    };

    it('is not requeued in a loop: the message goes to the dead-letter queue once', async () => {
      const { deadLetter, calls } = await deadLetterOf({ id: 'defect' });
      expect(calls).toBe(1);
      expect(deadLetter.json()).toEqual({ id: 'defect' });
      expect(deadLetter.headers).toMatchObject({
        'x-error-category': 'INTERNAL_ERROR',
        'x-error-message': 'unexpected error: defect in handler',
      });
    });

    it('dead-letters a thrown permanent DeliveryError at once, with its category, instead of retrying it', async () => {
      const { deadLetter, calls } = await deadLetterOf({ id: 'unknown-tenant', throws: DeliveryErrorCategory.TENANT_NOT_FOUND });
      expect(calls).toBe(1);
      expect(deadLetter.headers).toMatchObject({ 'x-error-category': 'TENANT_NOT_FOUND', 'x-error-message': 'thrown TENANT_NOT_FOUND' });
    });

    it('retries a thrown transient DeliveryError within the attempt budget, then dead-letters it as exhausted', async () => {
      const { deadLetter, calls } = await deadLetterOf({ id: 'flaky', throws: DeliveryErrorCategory.TRANSIENT });
      expect(calls).toBe(3);
      expect(deadLetter.headers).toMatchObject({ 'x-error-category': 'RETRIES_EXHAUSTED', 'x-attempts': 3 });
      expect(deadLetter.headers['x-error-message']).toContain('last error TRANSIENT: thrown TRANSIENT');
    });

    it('declares one wait queue per delay tier, dead-lettering back into the work queue', async () => {
      const connection = await amqplib.connect(vhost.url);
      const channel = await connection.createChannel();
      for (const tier of TOPOLOGY.retryDelayTiersMs) {
        await expect(
          channel.assertQueue(`lib-work.retry.${tier}ms`, {
            durable: true,
            arguments: { 'x-message-ttl': tier, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': TOPOLOGY.queue },
          }),
        ).resolves.toMatchObject({ messageCount: 0 });
      }
      await connection.close();
    });
  });

  it('refuses to start when the work queue exists with other arguments, naming both', async () => {
    const other = await createTestVhost('lib-mismatch');
    try {
      const connection = await amqplib.connect(other.url);
      const channel = await connection.createChannel();
      await channel.assertQueue(TOPOLOGY.queue, { durable: true, arguments: { 'x-message-ttl': 1000 } });
      await connection.close();

      const failure = await moduleFor(other.url).then(
        (moduleRef) => moduleRef.close(),
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(TopologyMismatchError);
      expect((failure as TopologyMismatchError).objectName).toBe(TOPOLOGY.queue);
      expect((failure as Error).message).toContain("argument 'x-message-ttl'");
      expect((failure as Error).message).toContain('README "Migrating queue arguments"');
    } finally {
      await other.dispose();
    }
  });
});
