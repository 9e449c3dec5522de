/**
 * A work queue and everything around it: the topic exchange it is bound to, the dead-letter exchange
 * and queue for messages that cannot be delivered, and one wait queue per retry delay. Each wait queue
 * has a queue-level TTL and dead-letters back into the work queue through the default exchange, so a
 * waiting message lives in the broker (a crash loses nothing) and never holds a consumer slot.
 */
export interface WorkQueueTopology {
  /** Topic exchange publishers send work to. */
  exchange: string;
  queue: string;
  /** Binding of `queue` on `exchange`, e.g. `outbound.processed.*`. */
  bindingKey: string;
  deadLetterExchange: string;
  deadLetterQueue: string;
  deadLetterRoutingKey: string;
  /** Queue-level TTL of the work queue: the longest a message may wait before it dead-letters. */
  messageTtlMs: number;
  /** One wait queue is declared per delay. */
  retryDelayTiersMs: number[];
  /** Durable queues the service publishes to through the default exchange (e.g. events another service reads). */
  durableQueues?: QueueDeclaration[];
  /** The type of every queue of the topology; classic when absent. */
  queueKind?: QueueKind;
}

/**
 * Quorum queues replicate every queue over the cluster's nodes (Raft), so a lost node loses no message;
 * classic queues live on one node. RabbitMQ cannot change a declared queue's type.
 */
export type QueueType = 'classic' | 'quorum';

export interface QueueKind {
  type: QueueType;
  /** Quorum only: deliveries of one message before the broker dead-letters it (a message that crashes every consumer). */
  deliveryLimit: number;
}

export interface QueueDeclaration {
  name: string;
  arguments: Record<string, unknown>;
}

/** What a consumer needs to (re)declare its queue exactly as the topology does. */
export type WorkQueueArguments = Pick<
  WorkQueueTopology,
  'queue' | 'deadLetterExchange' | 'deadLetterRoutingKey' | 'messageTtlMs' | 'queueKind'
>;

/**
 * The arguments a queue's type adds. A quorum queue that dead-letters does so at least once (with
 * `reject-publish`, which that strategy needs): the default, at most once, drops a message when the
 * target does not confirm. Classic queues get none, so queues declared before the type was
 * configurable still match.
 */
function kindArguments(kind: QueueKind | undefined, role: { deadLetters: boolean; consumed: boolean }): Record<string, unknown> {
  if (kind?.type !== 'quorum') return {};
  return {
    'x-queue-type': 'quorum',
    ...(role.deadLetters ? { 'x-dead-letter-strategy': 'at-least-once', 'x-overflow': 'reject-publish' } : {}),
    ...(role.consumed ? { 'x-delivery-limit': kind.deliveryLimit } : {}),
  };
}

export function workQueueDeclaration(topology: WorkQueueArguments): QueueDeclaration {
  return {
    name: topology.queue,
    arguments: {
      'x-dead-letter-exchange': topology.deadLetterExchange,
      'x-dead-letter-routing-key': topology.deadLetterRoutingKey,
      'x-message-ttl': topology.messageTtlMs,
      ...kindArguments(topology.queueKind, { deadLetters: true, consumed: true }),
    },
  };
}

/** The dead-letter queue: read and replayed by operators, never dead-letters itself. */
export function deadLetterQueueDeclaration(topology: Pick<WorkQueueTopology, 'deadLetterQueue' | 'queueKind'>): QueueDeclaration {
  return { name: topology.deadLetterQueue, arguments: kindArguments(topology.queueKind, { deadLetters: false, consumed: false }) };
}

/** A queue the service publishes to (`durableQueues`), of the topology's type. */
export function durableQueueDeclaration(topology: Pick<WorkQueueTopology, 'queueKind'>, queue: QueueDeclaration): QueueDeclaration {
  const deadLetters = 'x-dead-letter-exchange' in queue.arguments;
  return { name: queue.name, arguments: { ...queue.arguments, ...kindArguments(topology.queueKind, { deadLetters, consumed: false }) } };
}

const retryQueuePrefix = (queue: string) => `${queue}.retry.`;
const delayQueuePrefix = (queue: string) => `${queue}.delay.`;

export function retryQueueName(topology: WorkQueueTopology, tierMs: number): string {
  return `${retryQueuePrefix(topology.queue)}${tierMs}ms`;
}

/** Name prefixes of the queues a message waits in and comes back from: the tier wait queues and the tenant delay queues. */
export function ownWaitQueuePrefixes(topology: Pick<WorkQueueTopology, 'queue'>): string[] {
  return [retryQueuePrefix(topology.queue), delayQueuePrefix(topology.queue)];
}

export function retryQueueDeclarations(topology: WorkQueueTopology): QueueDeclaration[] {
  return topology.retryDelayTiersMs.map((tierMs) => ({
    name: retryQueueName(topology, tierMs),
    arguments: {
      'x-message-ttl': tierMs,
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': topology.queue,
      ...kindArguments(topology.queueKind, { deadLetters: true, consumed: false }),
    },
  }));
}

/** Idle tenant delay queues go away a day after their last use (a parked message lives 24 h at most). */
const TENANT_DELAY_QUEUE_EXPIRES_MS = 25 * 60 * 60 * 1000;

/**
 * A tenant's own delay queue, one per replica: messages parked for their turn, each with its own TTL.
 * The broker expires a message only at the head of its queue, so the queue stays FIFO only while each
 * message expires after the one before it. One replica hands out turns in increasing order and
 * publishes them in that order; two replicas publishing into one queue would interleave theirs, and a
 * later turn at the head would hold back earlier ones behind it. It dead-letters back into the work
 * queue like the tier queues, so the messages of a replica that is gone still come back.
 */
export function tenantDelayQueueDeclaration(
  topology: Pick<WorkQueueTopology, 'queue' | 'queueKind'>,
  tenantId: string,
  replica: string,
): QueueDeclaration {
  return {
    name: `${delayQueuePrefix(topology.queue)}${tenantId}.${replica}`,
    arguments: {
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': topology.queue,
      'x-expires': TENANT_DELAY_QUEUE_EXPIRES_MS,
      ...kindArguments(topology.queueKind, { deadLetters: true, consumed: false }),
    },
  };
}
