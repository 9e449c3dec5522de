import { Injectable, Module } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { MessagingModule, SubscribeToWorkQueue, TopologyMismatchError, WorkQueueTopology } from '@lib/messaging';
import { ObservabilityModule } from '@lib/observability';
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

@Injectable()
class ThrowingConsumer {
  calls = 0;

  @SubscribeToWorkQueue(TOPOLOGY)
  async handle(): Promise<void> {
    this.calls += 1;
    throw new Error('defect in handler');
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

    it('is not requeued in a loop: the message goes to the dead-letter queue once', async () => {
      await probe.publish(TOPOLOGY.exchange, 'lib.work.t1', { hello: 'world' });
      await waitUntil('the dead letter', async () => (await probe.messageCount(TOPOLOGY.deadLetterQueue)) === 1);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(moduleRef.get(ThrowingConsumer).calls).toBe(1);
      const [deadLetter] = await probe.drain(TOPOLOGY.deadLetterQueue);
      expect(deadLetter.json()).toEqual({ hello: 'world' });
      expect(deadLetter.headers).toMatchObject({
        'x-error-category': 'INTERNAL_ERROR',
        'x-error-message': 'unexpected error: defect in handler',
      });
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
