import { Nack } from '@golevelup/nestjs-rabbitmq';
import { Logger } from '@nestjs/common';
import { DeliveryMetrics } from '@lib/observability';
import { DeliveryError, DeliveryErrorCategory as Category } from '@lib/resilience';
import { ConsumeMessage } from 'amqplib';
import { BrokerUnavailableError, PublishUnconfirmedError } from '../publishing/broker-unavailable.error';
import { BrokerPublisher } from '../publishing/broker-publisher.service';
import { DeadLetterPublisher } from './dead-letter-publisher.service';
import { DeliveryOutcome, OutcomeContext, OutcomeEvent } from './delivery-outcome';
import { HAND_BACK_PAUSE_MS, OutcomeDispatcher } from './outcome-dispatcher.service';
import { RetryScheduler } from './retry-scheduler.service';

const message = {
  content: Buffer.from('{"id":"m-1"}'),
  fields: { routingKey: 'work.t.acme' },
  properties: { headers: {} },
} as unknown as ConsumeMessage;
const context: OutcomeContext = {
  tenantId: 'acme',
  messageId: 'm-1',
  messageType: 'text',
  state: { attempts: 1, deferrals: 0, firstSeenAt: 1, originalRoutingKey: 'work.t.acme' },
};
const statusEvent = (status: string): OutcomeEvent => ({ exchange: 'events', routingKey: 'status.acme', payload: { id: 'm-1', status } });
const vendorError = new DeliveryError(Category.TRANSIENT, '(#131000) Something went wrong', {
  code: 131000,
  subcode: 2494010,
  traceId: 'A1b2C3d4E5f6G7h8I9j0K1l',
});
const delay = { tierMs: 2000, delayMs: 1800 };

/** The dispatcher with recording collaborators; `fail` makes one of them refuse as the broker would. */
function setup(fail: { retry?: Error; deadLetter?: Error; event?: Error } = {}) {
  const steps: string[] = [];
  const retries = {
    schedule: jest.fn(async () => {
      if (fail.retry) throw fail.retry;
      steps.push('retry copy');
    }),
  };
  const deadLetters = {
    publish: jest.fn(async () => {
      if (fail.deadLetter) throw fail.deadLetter;
      steps.push('dead-letter copy');
    }),
  };
  const publisher = {
    publish: jest.fn(async (_exchange: string, routingKey: string) => {
      if (fail.event) throw fail.event;
      steps.push(`event ${routingKey}`);
    }),
  };
  const metrics = {
    recordConsumed: jest.fn(),
    recordSent: jest.fn(),
    recordDuplicate: jest.fn(),
    recordRetry: jest.fn(),
    recordDeadLetter: jest.fn(),
    recordDropped: jest.fn(),
    recordHandedBack: jest.fn(),
  };
  const dispatcher = new OutcomeDispatcher(
    retries as unknown as RetryScheduler,
    deadLetters as unknown as DeadLetterPublisher,
    publisher as unknown as BrokerPublisher,
    metrics as unknown as DeliveryMetrics,
  );
  return { dispatcher, retries, deadLetters, publisher, metrics, steps };
}

/** Log lines by level, as the objects the dispatcher passed to its logger. */
function captureLogs() {
  const lines: Record<string, Array<Record<string, unknown>>> = { log: [], debug: [], warn: [], error: [] };
  for (const level of Object.keys(lines)) {
    jest.spyOn(Logger.prototype, level as 'log').mockImplementation((line: Record<string, unknown>) => void lines[level].push(line));
  }
  return lines;
}

describe(OutcomeDispatcher.name, () => {
  let logs: ReturnType<typeof captureLogs>;

  beforeEach(() => {
    logs = captureLogs();
  });

  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  describe('delivered', () => {
    it('acks, counts the send and publishes the status event as JSON', async () => {
      const { dispatcher, publisher, metrics, retries, deadLetters } = setup();
      const event = statusEvent('sent');
      expect(await dispatcher.dispatch(message, { kind: 'delivered', context, event })).toBeUndefined();
      expect(metrics.recordConsumed).toHaveBeenCalledWith('acme', 'text');
      expect(metrics.recordSent).toHaveBeenCalledWith('acme', 'text');
      expect(publisher.publish).toHaveBeenCalledWith('events', 'status.acme', Buffer.from(JSON.stringify(event.payload)), {
        contentType: 'application/json',
      });
      expect(retries.schedule).not.toHaveBeenCalled();
      expect(deadLetters.publish).not.toHaveBeenCalled();
    });

    it('publishes nothing when the outcome carries no event', async () => {
      const { dispatcher, publisher } = setup();
      expect(await dispatcher.dispatch(message, { kind: 'delivered', context })).toBeUndefined();
      expect(publisher.publish).not.toHaveBeenCalled();
    });
  });

  describe('duplicate', () => {
    it('acks without a send, counts it and repeats the status event when there is one', async () => {
      const { dispatcher, publisher, metrics } = setup();
      expect(await dispatcher.dispatch(message, { kind: 'duplicate', context, event: statusEvent('sent') })).toBeUndefined();
      expect(metrics.recordDuplicate).toHaveBeenCalledWith('acme');
      expect(metrics.recordSent).not.toHaveBeenCalled();
      expect(publisher.publish).toHaveBeenCalledTimes(1);
      expect(logs.log).toEqual([{ event: 'message_duplicate_acked', statusEventRepeated: true }]);
    });

    it('says when it repeated no event', async () => {
      const { dispatcher, publisher } = setup();
      await dispatcher.dispatch(message, { kind: 'duplicate', context });
      expect(publisher.publish).not.toHaveBeenCalled();
      expect(logs.log).toEqual([{ event: 'message_duplicate_acked', statusEventRepeated: false }]);
    });
  });

  describe('retry', () => {
    it('parks a copy in the shared tier, counts it, logs the vendor error with neutral keys and acks', async () => {
      const { dispatcher, retries, metrics } = setup();
      expect(await dispatcher.dispatch(message, { kind: 'retry', context, error: vendorError, delay })).toBeUndefined();
      expect(retries.schedule).toHaveBeenCalledWith(message, context.state, delay, vendorError, undefined);
      expect(metrics.recordRetry).toHaveBeenCalledWith('acme', Category.TRANSIENT);
      expect(logs.warn).toEqual([
        {
          event: 'message_retry_scheduled',
          category: Category.TRANSIENT,
          errorCode: 131000,
          errorSubcode: 2494010,
          traceId: 'A1b2C3d4E5f6G7h8I9j0K1l',
          delayMs: 1800,
          reason: '(#131000) Something went wrong',
        },
      ]);
    });

    it("parks in the tenant's own delay queue when the outcome asks for it", async () => {
      const { dispatcher, retries } = setup();
      await dispatcher.dispatch(message, { kind: 'retry', context, error: vendorError, delay, inTenantQueue: true });
      expect(retries.schedule).toHaveBeenCalledWith(message, context.state, delay, vendorError, 'acme');
    });

    it('logs a wait that made no vendor call at debug only', async () => {
      const { dispatcher } = setup();
      const throttled = new DeliveryError(Category.THROTTLED, 'rate limit slot reserved');
      await dispatcher.dispatch(message, { kind: 'retry', context, error: throttled, delay });
      expect(logs.warn).toEqual([]);
      expect(logs.debug).toMatchObject([{ event: 'message_retry_scheduled', category: Category.THROTTLED }]);
    });
  });

  describe('dead-letter', () => {
    it('publishes the dead-letter copy before the failed event, counts it, logs with neutral keys and acks', async () => {
      const { dispatcher, deadLetters, metrics, steps } = setup();
      const outcome: DeliveryOutcome = { kind: 'dead-letter', context, error: vendorError, event: statusEvent('failed') };
      expect(await dispatcher.dispatch(message, outcome)).toBeUndefined();
      expect(deadLetters.publish).toHaveBeenCalledWith(message, context, vendorError);
      expect(steps).toEqual(['dead-letter copy', 'event status.acme']);
      expect(metrics.recordDeadLetter).toHaveBeenCalledWith('acme', Category.TRANSIENT);
      expect(logs.error).toEqual([
        {
          event: 'message_dead_lettered',
          category: Category.TRANSIENT,
          errorCode: 131000,
          errorSubcode: 2494010,
          traceId: 'A1b2C3d4E5f6G7h8I9j0K1l',
          reason: '(#131000) Something went wrong',
        },
      ]);
    });
  });

  describe('dropped', () => {
    it('acks with nothing published, counting it by its bounded reason code', async () => {
      const { dispatcher, publisher, retries, deadLetters, metrics } = setup();
      const outcome: DeliveryOutcome = { kind: 'dropped', context, reasonCode: 'unused_status', reason: 'status read has no use here' };
      expect(await dispatcher.dispatch(message, outcome)).toBeUndefined();
      expect(metrics.recordDropped).toHaveBeenCalledWith('acme', 'unused_status');
      expect(publisher.publish).not.toHaveBeenCalled();
      expect(retries.schedule).not.toHaveBeenCalled();
      expect(deadLetters.publish).not.toHaveBeenCalled();
      expect(logs.debug).toEqual([{ event: 'message_dropped', reason: 'status read has no use here' }]);
    });
  });

  describe('a status event the broker does not take', () => {
    it('keeps the outcome when the event was refused, and says a re-send is safe', async () => {
      const { dispatcher, metrics } = setup({ event: new BrokerUnavailableError('RabbitMQ is not connected') });
      expect(await dispatcher.dispatch(message, { kind: 'delivered', context, event: statusEvent('sent') })).toBeUndefined();
      expect(metrics.recordSent).toHaveBeenCalled();
      expect(metrics.recordHandedBack).not.toHaveBeenCalled();
      expect(logs.error).toEqual([
        expect.objectContaining({
          event: 'status_event_not_published',
          routingKey: 'status.acme',
          reason: 'RabbitMQ is not connected',
          note: expect.stringContaining('safe to re-send'),
        }),
      ]);
    });

    it('keeps a dead-letter outcome when its event is unconfirmed, and says it may have arrived', async () => {
      const { dispatcher, metrics } = setup({ event: new PublishUnconfirmedError("Publish to 'events' not confirmed") });
      const outcome: DeliveryOutcome = { kind: 'dead-letter', context, error: vendorError, event: statusEvent('failed') };
      expect(await dispatcher.dispatch(message, outcome)).toBeUndefined();
      expect(metrics.recordDeadLetter).toHaveBeenCalled();
      expect(metrics.recordHandedBack).not.toHaveBeenCalled();
      expect(logs.error.map((line) => line.event)).toEqual(['message_dead_lettered', 'status_event_unconfirmed']);
      expect(logs.error[1].note).toContain('may or may not have been published');
    });
  });

  describe('a successor copy the broker does not confirm', () => {
    /** Dispatches with a fake clock and runs it through the hand-back pause; the pause must come first. */
    async function handedBack(dispatcher: OutcomeDispatcher, outcome: DeliveryOutcome): Promise<Nack | undefined> {
      jest.useFakeTimers();
      let settled = false;
      const result = dispatcher.dispatch(message, outcome).finally(() => (settled = true));
      await jest.advanceTimersByTimeAsync(HAND_BACK_PAUSE_MS - 1);
      expect(settled).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      return result;
    }

    it('hands the message back after a pause when its retry copy is unconfirmed, counting no retry', async () => {
      const { dispatcher, metrics } = setup({ retry: new PublishUnconfirmedError("Publish to 'work.retry.2000ms' not confirmed") });
      const answer = await handedBack(dispatcher, { kind: 'retry', context, error: vendorError, delay });
      expect(answer).toBeInstanceOf(Nack);
      expect(answer!.requeue).toBe(true);
      expect(metrics.recordHandedBack).toHaveBeenCalledTimes(1);
      expect(metrics.recordRetry).not.toHaveBeenCalled();
      expect(logs.error).toEqual([{ event: 'message_handed_back', reason: "Publish to 'work.retry.2000ms' not confirmed" }]);
    });

    it('hands the message back when its required event is unconfirmed; a confirmed one lets it be acked', async () => {
      const required = { ...statusEvent('sent'), required: true };
      const refused = setup({ event: new PublishUnconfirmedError("Publish to 'events' not confirmed") });
      expect(await handedBack(refused.dispatcher, { kind: 'delivered', context, event: required })).toEqual(new Nack(true));
      expect(refused.metrics.recordHandedBack).toHaveBeenCalledTimes(1);
      expect(logs.error).toEqual([{ event: 'message_handed_back', reason: "Publish to 'events' not confirmed" }]);
      const confirmed = setup();
      expect(await confirmed.dispatcher.dispatch(message, { kind: 'delivered', context, event: required })).toBeUndefined();
    });

    it('hands the message back when its dead-letter copy is refused, and publishes no failed event for it', async () => {
      const { dispatcher, metrics, publisher } = setup({ deadLetter: new BrokerUnavailableError('RabbitMQ is not connected') });
      const outcome: DeliveryOutcome = { kind: 'dead-letter', context, error: vendorError, event: statusEvent('failed') };
      const answer = await handedBack(dispatcher, outcome);
      expect(answer).toEqual(new Nack(true));
      expect(metrics.recordDeadLetter).not.toHaveBeenCalled();
      expect(publisher.publish).not.toHaveBeenCalled();
      expect(logs.error).toEqual([{ event: 'message_handed_back', reason: 'RabbitMQ is not connected' }]);
    });
  });
});
