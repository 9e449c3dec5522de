import { createTestVhost, ServiceSandbox, useServiceSandbox } from '@lib/testing';
import Redis from 'ioredis';
import { RELAY_EVENTS_QUEUE, RELAY_TOPOLOGY, relaySandboxedService, VendorSimulator } from './support/relay-service';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('ServiceSandbox with a service it knows only by its description', () => {
  const sandbox = useServiceSandbox('sandbox-relay', (vhost) =>
    ServiceSandbox.start(relaySandboxedService(), { rabbitmqUrl: vhost.url, redisUrl: REDIS_URL }),
  );

  it('runs the service in process against the started simulators and collects the events of a watched queue', async () => {
    await sandbox().publish('relay.work.acme', { id: 'm-1' });

    const event = await sandbox().waitFor('events', (message) => message.json().id === 'm-1', 'the event of m-1');
    expect(event.json()).toMatchObject({ id: 'm-1', routingKey: 'relay.work.acme' });
    expect(sandbox().simulators.vendor.received).toContainEqual({ id: 'm-1' });
    expect(sandbox().env).toMatchObject({ VENDOR_URL: sandbox().simulators.vendor.url, RABBITMQ_URL: sandbox.vhost().url });
    expect(sandbox().app).toBeDefined();
  });

  it('collects a copy of each dead letter and leaves the dead-letter queue its own', async () => {
    await sandbox().publish('relay.work.acme', 'not json');

    const deadLetter = await sandbox().waitFor('deadLetters', (message) => message.content.toString() === 'not json', 'the dead letter');
    expect(deadLetter.routingKey).toBe(RELAY_TOPOLOGY.deadLetterRoutingKey);
    expect(await sandbox().probe.messageCount(RELAY_TOPOLOGY.deadLetterQueue)).toBe(1);
  });

  it('publishes as if from the first wait queue: the service gets the headers and the original routing key', async () => {
    await sandbox().publishAsReturning('relay.work.globex', { id: 'm-2' }, { 'x-first-seen-at': 1234 });

    const event = await sandbox().waitFor('events', (message) => message.json().id === 'm-2', 'the event of m-2');
    expect(event.json().routingKey).toBe(RELAY_TOPOLOGY.queue);
    expect(event.json().headers).toMatchObject({ 'x-first-seen-at': 1234, 'x-original-routing-key': 'relay.work.globex' });
    expect(event.json().headers['x-death'][0]).toMatchObject({ queue: `${RELAY_TOPOLOGY.queue}.retry.1000ms`, reason: 'expired' });
  });
});

describe('ServiceSandbox start and stop', () => {
  it('declares the topology itself when the service runs in another process, and has no app then', async () => {
    const vhost = await createTestVhost('sandbox-topology');
    try {
      const sandbox = await ServiceSandbox.start(relaySandboxedService(), { rabbitmqUrl: vhost.url, inProcessService: false });
      try {
        const queues = [RELAY_TOPOLOGY.queue, RELAY_TOPOLOGY.deadLetterQueue, 'relay-work.retry.1000ms', 'relay-work.retry.5000ms'];
        for (const queue of queues) expect(await sandbox.probe.messageCount(queue)).toBe(0);
        // The event queue is declared too, and the probe consumes it in place of its reader.
        await sandbox.probe.publish('', RELAY_EVENTS_QUEUE.name, { id: 'from-elsewhere' });
        await sandbox.waitFor('events', (message) => message.json().id === 'from-elsewhere', 'the event published to the queue');
        expect(() => sandbox.app).toThrow('this sandbox was started without an in-process service');
      } finally {
        await sandbox.stop();
      }
    } finally {
      await vhost.dispose();
    }
  });

  it("removes the run's own Redis keys at stop and no other key", async () => {
    const vhost = await createTestVhost('sandbox-redis');
    const redis = new Redis(REDIS_URL);
    const elsewhere = `sandbox-spec-elsewhere-${process.pid}`;
    try {
      await redis.set(elsewhere, '1');
      const sandbox = await ServiceSandbox.start(relaySandboxedService(), { rabbitmqUrl: vhost.url, redisUrl: REDIS_URL });
      const prefix = sandbox.env.REDIS_KEY_PREFIX;
      await sandbox.publish('relay.work.acme', { id: 'm-3' });
      await sandbox.waitFor('events', (message) => message.json().id === 'm-3', 'the event of m-3');
      expect(await redis.keys(`${prefix}*`)).toEqual([`${prefix}relayed:m-3`]);

      await sandbox.stop();

      expect(await redis.keys(`${prefix}*`)).toEqual([]);
      expect(await redis.get(elsewhere)).toBe('1');
    } finally {
      await redis.del(elsewhere);
      redis.disconnect();
      await vhost.dispose();
    }
  });

  it('stops the simulators it started when the service cannot start', async () => {
    const vendor = new VendorSimulator();
    const service = { ...relaySandboxedService(vendor), env: () => ({}) };

    await expect(ServiceSandbox.start(service, { rabbitmqUrl: 'amqp://guest:guest@127.0.0.1:5672' })).rejects.toThrow(
      'relay configuration: VENDOR_URL must be set',
    );
    expect(() => vendor.url).toThrow('simulator not started');
  });
});
