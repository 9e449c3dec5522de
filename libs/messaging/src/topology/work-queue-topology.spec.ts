import {
  deadLetterQueueDeclaration,
  durableQueueDeclaration,
  QueueKind,
  retryQueueDeclarations,
  tenantDelayQueueDeclaration,
  workQueueDeclaration,
  WorkQueueTopology,
} from './work-queue-topology';

const TOPOLOGY: WorkQueueTopology = {
  exchange: 'work-exchange',
  queue: 'work',
  bindingKey: 'work.*',
  deadLetterExchange: 'work-dlx',
  deadLetterQueue: 'work-dlq',
  deadLetterRoutingKey: 'work.failed',
  messageTtlMs: 86_400_000,
  retryDelayTiersMs: [1000],
};
const QUORUM: QueueKind = { type: 'quorum', deliveryLimit: 7 };
const AT_LEAST_ONCE = { 'x-queue-type': 'quorum', 'x-dead-letter-strategy': 'at-least-once', 'x-overflow': 'reject-publish' };

describe('queue declarations by queue type', () => {
  it('adds nothing for classic queues, so queues declared before the type was configurable still match', () => {
    for (const topology of [TOPOLOGY, { ...TOPOLOGY, queueKind: { type: 'classic', deliveryLimit: 7 } as QueueKind }]) {
      expect(workQueueDeclaration(topology).arguments).toEqual({
        'x-dead-letter-exchange': 'work-dlx',
        'x-dead-letter-routing-key': 'work.failed',
        'x-message-ttl': 86_400_000,
      });
      expect(deadLetterQueueDeclaration(topology)).toEqual({ name: 'work-dlq', arguments: {} });
      expect(retryQueueDeclarations(topology)[0].arguments).not.toHaveProperty('x-queue-type');
    }
  });

  it('makes the work queue a quorum queue that dead-letters at least once and gives up on a message after the delivery limit', () => {
    expect(workQueueDeclaration({ ...TOPOLOGY, queueKind: QUORUM }).arguments).toEqual({
      'x-dead-letter-exchange': 'work-dlx',
      'x-dead-letter-routing-key': 'work.failed',
      'x-message-ttl': 86_400_000,
      ...AT_LEAST_ONCE,
      'x-delivery-limit': 7,
    });
  });

  it('makes the wait and delay queues quorum queues that expire back into the work queue at least once', () => {
    const topology = { ...TOPOLOGY, queueKind: QUORUM };
    expect(retryQueueDeclarations(topology)).toEqual([
      {
        name: 'work.retry.1000ms',
        arguments: { 'x-message-ttl': 1000, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': 'work', ...AT_LEAST_ONCE },
      },
    ]);
    expect(tenantDelayQueueDeclaration(topology, 'acme', '0a1b2c').arguments).toMatchObject({
      'x-dead-letter-routing-key': 'work',
      ...AT_LEAST_ONCE,
    });
  });

  it('makes the dead-letter queue and the queues the service publishes to quorum queues without dead-lettering of their own', () => {
    const topology = { ...TOPOLOGY, queueKind: QUORUM };
    expect(deadLetterQueueDeclaration(topology)).toEqual({ name: 'work-dlq', arguments: { 'x-queue-type': 'quorum' } });
    expect(durableQueueDeclaration(topology, { name: 'events', arguments: {} })).toEqual({
      name: 'events',
      arguments: { 'x-queue-type': 'quorum' },
    });
  });
});
