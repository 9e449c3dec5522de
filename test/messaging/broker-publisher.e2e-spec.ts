import { AmqpConnection } from '@golevelup/nestjs-rabbitmq';
import { Test, TestingModule } from '@nestjs/testing';
import { BrokerPublisher, BrokerUnavailableError, MessagingModule, PublishUnconfirmedError, WorkQueueTopology } from '@lib/messaging';
import { ObservabilityModule } from '@lib/observability';
import { BrokerProbe, createTestVhost, TestVhost, waitUntil } from '@lib/testing';

const TOPOLOGY: WorkQueueTopology = {
  exchange: 'pub-exchange',
  queue: 'pub-work',
  bindingKey: 'pub.work.*',
  deadLetterExchange: 'pub-dlx',
  deadLetterQueue: 'pub-failed',
  deadLetterRoutingKey: 'pub.failed',
  messageTtlMs: 60_000,
  retryDelayTiersMs: [1000],
};

/** What a failed publish tells its caller: whether anything may have reached the broker. */
async function failureOf(publish: Promise<void>): Promise<string> {
  const error = await publish.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (error instanceof PublishUnconfirmedError) return `unconfirmed: ${error.message}`;
  if (error instanceof BrokerUnavailableError) return `refused: ${error.message}`;
  return `not failed: ${String(error)}`;
}

describe('BrokerPublisher on a real broker', () => {
  let vhost: TestVhost;
  let moduleRef: TestingModule;
  let publisher: BrokerPublisher;
  let probe: BrokerProbe;
  const toWorkQueue = (body: string) => publisher.publish(TOPOLOGY.exchange, 'pub.work.t1', Buffer.from(body));

  beforeAll(async () => {
    vhost = await createTestVhost('lib-publisher');
    moduleRef = await Test.createTestingModule({
      imports: [
        ObservabilityModule.forRootAsync({ useFactory: () => ({ serviceName: 'publisher-spec', version: '0', logLevel: 'silent' }) }),
        MessagingModule.forRootAsync({
          useFactory: () => ({
            uri: vhost.url,
            prefetchCount: 10,
            publishTimeoutMs: 2000,
            connectTimeoutMs: 5000,
            topology: TOPOLOGY,
            retry: { baseDelayMs: 100, maxDelayMs: 200 },
            stateBounds: { maxAttempts: 3, maxSlotAheadMs: 1200 },
          }),
        }),
      ],
    }).compile();
    await moduleRef.createNestApplication({ logger: false }).init();
    publisher = moduleRef.get(BrokerPublisher);
    probe = await BrokerProbe.connect(vhost.url);
  });

  afterAll(async () => {
    await probe?.close();
    await moduleRef?.close();
    await vhost?.dispose();
  });

  it('resolves once the broker confirmed the message', async () => {
    await toWorkQueue('first');
    expect((await probe.drain(TOPOLOGY.queue)).map((message) => message.content.toString())).toEqual(['first']);
  });

  it('reports a publish the broker closed the channel on as unconfirmed, and publishes on a new channel after it', async () => {
    expect(await failureOf(publisher.publish('no-such-exchange', 'x', Buffer.from('lost')))).toMatch(/^unconfirmed: .*NOT_FOUND/);
    await toWorkQueue('after the channel error');
    expect((await probe.drain(TOPOLOGY.queue)).map((message) => message.content.toString())).toEqual(['after the channel error']);
  });

  it('refuses while disconnected (certainly not published), and publishes again once reconnected', async () => {
    const manager = moduleRef.get(AmqpConnection).managedConnection;
    expect(await vhost.closeConnections([BrokerProbe.CONNECTION_NAME])).toBeGreaterThan(0);
    await waitUntil('the service to notice the disconnect', () => !manager.isConnected());
    expect(await failureOf(toWorkQueue('refused'))).toBe('refused: RabbitMQ is not connected');
    await waitUntil('the service to reconnect', () => manager.isConnected(), 15_000);
    await toWorkQueue('after reconnecting');
    expect((await probe.drain(TOPOLOGY.queue)).map((message) => message.content.toString())).toEqual(['after reconnecting']);
  });
});
