import { queueDepthsOf, ServiceProcess, waitUntil } from '@lib/testing';
import Redis from 'ioredis';
import { ChaosContract } from './chaos-contract';
import { countOutcomes, OutcomeCount, PublishedMessage } from './fault-outcome-count';
import { FaultObserver } from './fault-observer';

/**
 * A service under fault with the simulators of the APIs it calls: it starts the service as separate
 * processes (so that one can be killed) configured against them, the broker and Redis, and reads the
 * vendor simulator's log. Each service's rig (whatsapp-fault-rig, genesys-fault-rig) implements it.
 */
export interface FaultRig {
  readonly contract: ChaosContract;
  /** The service's environment: broker, Redis (with `REDIS_KEY_PREFIX`), simulators, the scenario's settings. */
  readonly env: Record<string, string>;
  /** Starts one more service process with the rig's environment and waits until it is ready. */
  startService(): Promise<ServiceProcess>;
  /** `count` messages spread over the rig's tenants, each with a send key of its own, under `label` (digits). */
  batch(count: number, label: string): { envelopes: { metadata: { tenantId: string } }[]; published: PublishedMessage[] };
  /** Makes about one in ten of `published` fail once with a transient vendor error (a 5xx), so that some wait for a retry. */
  failSomeOnce(published: PublishedMessage[]): void;
  /** Vendor calls that accepted a message, with the vendor's clock when it received each, one per call. */
  acceptedCalls(): { sendKey: string; receivedAt: number }[];
  stop(): Promise<void>;
}

/** The send key of every vendor call that accepted a message, one per call. */
export const acceptedKeysOf = (rig: FaultRig): string[] => rig.acceptedCalls().map((call) => call.sendKey);

/** Vendor calls that accepted these messages so far, each message counted once. */
export function acceptedFor(rig: FaultRig, published: PublishedMessage[]): number {
  const keys = new Set(published.map((message) => message.sendKey));
  return new Set(acceptedKeysOf(rig).filter((key) => keys.has(key))).size;
}

/** What every rig's service is given: the broker, Redis under the suite's prefix, the tenant service, warn logs. */
export function faultRigEnv(
  options: { rabbitmqUrl: string; redisUrl: string; env?: Record<string, string> },
  tenantService: { url: string; serviceToken: string },
  vendor: Record<string, string>,
): Record<string, string> {
  return {
    RABBITMQ_URL: options.rabbitmqUrl,
    REDIS_URL: options.redisUrl,
    REDIS_KEY_PREFIX: 'chaos:',
    TENANT_SERVICE_URL: tenantService.url,
    TENANT_SERVICE_TOKEN: tenantService.serviceToken,
    ...vendor,
    LOG_LEVEL: 'warn',
    ...options.env,
  };
}

/** `rabbitmqctl list_queues name messages` of the scenario's vhost (ready plus unacknowledged). */
export type QueueLister = () => Promise<string>;

async function workLeft(listQueues: QueueLister, ownQueues: string[]): Promise<Record<string, number>> {
  const left: Record<string, number> = {};
  for (const [name, messages] of queueDepthsOf(await listQueues())) {
    if (messages > 0 && !ownQueues.includes(name)) left[name] = messages;
  }
  return left;
}

/**
 * Waits until every published message was sent or dead-lettered and no queue of the vhost holds a
 * message any more (nothing waits for a retry, nothing is unacknowledged), then counts the outcomes.
 * A timeout fails with what was still missing.
 */
export async function settleAndCount(
  rig: FaultRig,
  observer: FaultObserver,
  published: PublishedMessage[],
  listQueues: QueueLister,
  timeoutMs: number,
): Promise<OutcomeCount> {
  const count = () =>
    countOutcomes({
      contract: rig.contract,
      published,
      acceptedKeys: acceptedKeysOf(rig),
      events: observer.events,
      deadLetters: observer.deadLetters,
    });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const outcome = count();
    const left = outcome.lost === 0 || Date.now() > deadline ? await workLeft(listQueues, observer.ownQueues) : undefined;
    if (outcome.lost === 0 && Object.keys(left!).length === 0) return count();
    if (Date.now() > deadline) {
      // Where the missing ones wait (a retry queue cycling, a delay queue) says why they did not settle.
      throw new Error(
        `not settled after ${timeoutMs} ms: ${outcome.lost} of ${published.length} neither sent nor dead-lettered; messages in queues ${JSON.stringify(left)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Waits until each of `ids` has an event reporting it delivered (events are consumed a moment after the ack). */
export async function waitForSentEvents(observer: FaultObserver, ids: string[], timeoutMs = 10_000): Promise<void> {
  await waitUntil(
    `an event reporting each of ${ids.length} sent messages delivered`,
    () => {
      const reported = observer.deliveredIds();
      return ids.every((id) => reported.has(id));
    },
    timeoutMs,
  );
}

/** How many outcome events the service logged as refused or unconfirmed (either may be missing; the log keeps the event). */
export function unpublishedStatusEvents(service: ServiceProcess): number {
  return service
    .output()
    .split('\n')
    .filter((line) => /"status_event_(not_published|unconfirmed)"/.test(line)).length;
}

/**
 * Ids of `published` that were claimed, with no `sent` record, in the ledger at the moment it was read,
 * each with when its claim was made. Read at a kill, these are the messages a consumer was sending then:
 * the call made, answered or in flight, but not recorded, or not made yet.
 */
export async function claimedButUnrecorded(
  rig: Pick<FaultRig, 'env'>,
  redisUrl: string,
  published: PublishedMessage[],
): Promise<Map<string, number>> {
  const prefix = rig.env.REDIS_KEY_PREFIX;
  const redis = new Redis(redisUrl);
  try {
    const values = await redis.mget(...published.map((m) => `${prefix}msg:${m.tenantId}:${m.id}`));
    const claims = new Map<string, number>();
    published.forEach((m, i) => {
      const claimedAt = /^processing:(\d+)$/.exec(values[i] ?? '')?.[1];
      if (claimedAt) claims.set(m.id, Number(claimedAt));
    });
    return claims;
  } finally {
    redis.disconnect();
  }
}
