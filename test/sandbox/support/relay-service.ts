import { DynamicModule, Inject, Injectable, Module, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { QueueDeclaration, TopologyDeclarer, WorkQueueTopology } from '@lib/messaging';
import { json, JsonHttpSimulator, JsonRequest, SandboxedService, SimulatedAnswer } from '@lib/testing';
import * as amqplib from 'amqplib';
import Redis from 'ioredis';

/**
 * The smallest service a sandbox can run, standing for any egress service: it takes work from its
 * queue, posts it to a vendor, reports each message on a durable event queue (as the genesys service
 * reports correlation events) and records it in Redis; what is not JSON it rejects to its dead letters.
 */
export const RELAY_TOPOLOGY: WorkQueueTopology = {
  exchange: 'relay-exchange',
  queue: 'relay-work',
  bindingKey: 'relay.work.*',
  deadLetterExchange: 'relay-dlx',
  deadLetterQueue: 'relay-failed',
  deadLetterRoutingKey: 'relay.failed',
  messageTtlMs: 60_000,
  retryDelayTiersMs: [1000, 5000],
};
export const RELAY_EVENTS_QUEUE: QueueDeclaration = { name: 'relay-events', arguments: {} };

export interface RelayConfig {
  rabbitmqUrl: string;
  vendorUrl: string;
  redis?: { url: string; keyPrefix: string };
}

/** Reads the relay's environment; names a missing variable, never a value. */
export function loadRelayConfig(env: Record<string, string>): RelayConfig {
  const missing = ['RABBITMQ_URL', 'VENDOR_URL'].filter((name) => !env[name]);
  if (missing.length > 0) throw new Error(`relay configuration: ${missing.join(', ')} must be set`);
  const redis = env.REDIS_URL ? { url: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX ?? 'relay:' } : undefined;
  return { rabbitmqUrl: env.RABBITMQ_URL, vendorUrl: env.VENDOR_URL, redis };
}

/** A vendor that accepts everything and keeps what it received. */
export class VendorSimulator extends JsonHttpSimulator {
  readonly received: unknown[] = [];

  protected answer(request: JsonRequest): SimulatedAnswer {
    this.received.push(JSON.parse(request.rawBody));
    return json(200, { accepted: true });
  }
}

@Injectable()
class RelayWorker implements OnModuleInit, OnModuleDestroy {
  private connection?: amqplib.ChannelModel;
  private redis?: Redis;

  constructor(@Inject('RELAY_CONFIG') private readonly config: RelayConfig) {}

  async onModuleInit(): Promise<void> {
    await new TopologyDeclarer(this.config.rabbitmqUrl, 5000).declare(RELAY_TOPOLOGY);
    if (this.config.redis) this.redis = new Redis(this.config.redis.url, { keyPrefix: this.config.redis.keyPrefix });
    this.connection = await amqplib.connect(this.config.rabbitmqUrl);
    const channel = await this.connection.createChannel();
    await channel.assertQueue(RELAY_EVENTS_QUEUE.name, { durable: true, arguments: RELAY_EVENTS_QUEUE.arguments });
    await channel.consume(RELAY_TOPOLOGY.queue, (message) => message && void this.relay(channel, message));
  }

  async onModuleDestroy(): Promise<void> {
    await this.connection?.close();
    this.redis?.disconnect();
  }

  private async relay(channel: amqplib.Channel, message: amqplib.ConsumeMessage): Promise<void> {
    let work: { id: string };
    try {
      work = JSON.parse(message.content.toString('utf8'));
    } catch {
      return channel.nack(message, false, false);
    }
    await fetch(this.config.vendorUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(work) });
    await this.redis?.set(`relayed:${work.id}`, '1');
    const event = { id: work.id, routingKey: message.fields.routingKey, headers: message.properties.headers ?? {} };
    channel.sendToQueue(RELAY_EVENTS_QUEUE.name, Buffer.from(JSON.stringify(event)), { persistent: true });
    channel.ack(message);
  }
}

@Module({})
export class RelayModule {
  static forRoot(config: RelayConfig): DynamicModule {
    return { module: RelayModule, providers: [{ provide: 'RELAY_CONFIG', useValue: config }, RelayWorker] };
  }
}

/** The relay as a sandbox runs it: its vendor simulated, its events and dead letters watched. */
export const relaySandboxedService = (
  vendor = new VendorSimulator(),
): SandboxedService<RelayConfig, { vendor: VendorSimulator }, 'events' | 'deadLetters'> => ({
  simulators: () => ({ vendor }),
  env: ({ vendor: started }) => ({ VENDOR_URL: started.url }),
  loadConfig: loadRelayConfig,
  appModule: (config) => RelayModule.forRoot(config),
  topology: () => ({ workQueue: RELAY_TOPOLOGY, queues: [RELAY_EVENTS_QUEUE] }),
  watch: {
    events: { queue: RELAY_EVENTS_QUEUE.name },
    deadLetters: { exchange: RELAY_TOPOLOGY.deadLetterExchange, bindingKey: RELAY_TOPOLOGY.deadLetterRoutingKey },
  },
});
