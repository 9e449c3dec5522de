import { VerifiedTenants } from '@lib/observability';
import { DeliveryError, DeliveryErrorCategory as Category } from '@lib/resilience';
import { ConsumeMessage, Options } from 'amqplib';
import { MessagingOptions } from '../messaging.options';
import { BrokerPublisher } from '../publishing/broker-publisher.service';
import { DeclareChannel } from '../publishing/declare-channel';
import { RetryScheduler } from './retry-scheduler.service';

const options = {
  topology: { queue: 'work', retryDelayTiersMs: [1000, 2000, 4000], messageTtlMs: 86_400_000 },
} as unknown as MessagingOptions;
const consumed = {
  content: Buffer.from('{}'),
  fields: { routingKey: 'work.t.acme' },
  properties: { headers: {} },
} as unknown as ConsumeMessage;
const state = { attempts: 0, deferrals: 1, firstSeenAt: 1, originalRoutingKey: 'work.t.acme' };
const throttled = new DeliveryError(Category.THROTTLED, 'slot', { inTenantQueue: true });

function setup(refuse = false) {
  const published: Array<{ queue: string; options: Options.Publish }> = [];
  const declared: string[] = [];
  const publisher = {
    publish: async (_: string, queue: string, __: Buffer, o: Options.Publish) => void published.push({ queue, options: o }),
  };
  const channel = {
    assertQueue: async (name: string) => {
      if (refuse) throw new Error('PRECONDITION_FAILED - inequivalent arg');
      declared.push(name);
    },
  };
  const declarations = { current: async () => channel } as unknown as DeclareChannel;
  const verified = new VerifiedTenants({ serviceName: 'scheduler-spec', version: '0', logLevel: 'silent' });
  verified.confirm('acme');
  const scheduler = new RetryScheduler(publisher as unknown as BrokerPublisher, declarations, verified, options);
  return { scheduler, published, declared };
}

describe(RetryScheduler.name, () => {
  it("parks a verified tenant's message in its own delay queue, declared on the declaration channel", async () => {
    const { scheduler, published, declared } = setup();
    await scheduler.schedule(consumed, state, { tierMs: 0, delayMs: 1500 }, throttled, 'acme');
    expect(declared).toEqual([`work.delay.acme.${scheduler.replica}`]);
    expect(published).toMatchObject([{ queue: `work.delay.acme.${scheduler.replica}`, options: { expiration: '1500' } }]);
  });

  it('declares a queue once for messages parked together, and publishes them in the order they came', async () => {
    const { scheduler, published, declared } = setup();
    await Promise.all([1500, 1600, 1700].map((delayMs) => scheduler.schedule(consumed, state, { tierMs: 0, delayMs }, throttled, 'acme')));
    expect(declared).toEqual([`work.delay.acme.${scheduler.replica}`]);
    expect(published.map((p) => p.options.expiration)).toEqual(['1500', '1600', '1700']);
  });

  it('declares nothing for a tenant the tenant service has not confirmed: it waits in the tier queue that covers its wait', async () => {
    const { scheduler, published, declared } = setup();
    await scheduler.schedule(consumed, state, { tierMs: 0, delayMs: 1500 }, throttled, 'made-up-tenant');
    expect(declared).toEqual([]);
    expect(published).toMatchObject([{ queue: 'work.retry.2000ms', options: { expiration: '1500' } }]);
  });

  it('gives each replica a delay queue of its own for a tenant, named by a tag it draws at start', async () => {
    const [first, second] = [setup(), setup()];
    expect(first.scheduler.replica).toMatch(/^[0-9a-f]{6}$/);
    expect(second.scheduler.replica).not.toBe(first.scheduler.replica);
  });

  it('falls back to a tier queue when the broker refuses the tenant queue, rather than failing the message', async () => {
    const { scheduler, published } = setup(true);
    await scheduler.schedule(consumed, state, { tierMs: 0, delayMs: 9000 }, throttled, 'acme');
    expect(published).toMatchObject([{ queue: 'work.retry.4000ms' }]);
  });

  it('never sets a TTL beyond the life of a message', async () => {
    const { scheduler, published } = setup();
    await scheduler.schedule(consumed, state, { tierMs: 0, delayMs: 40 * 86_400_000 }, throttled, 'acme');
    expect(published[0].options.expiration).toBe('86400000');
  });
});
