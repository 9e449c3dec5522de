import { ConsumeMessage } from 'amqplib';
import { MessagingOptions } from '../messaging.options';
import { DeliveryStateReader } from './delivery-state.reader';

const NOW = 1_800_000_000_000;
const options = {
  topology: { queue: 'outbound-processed' },
  stateBounds: { maxAttempts: 5, maxSlotAheadMs: 61_000 },
} as unknown as MessagingOptions;

const forged = {
  'x-attempts': 99,
  'x-deferrals': 7,
  'x-first-seen-at': NOW + 40 * 86_400_000,
  'x-slot-at': NOW + 40 * 86_400_000,
  'x-original-routing-key': 'outbound.processed.victim',
};

function delivery(fields: { exchange: string; routingKey: string }, headers: Record<string, unknown>): ConsumeMessage {
  return {
    content: Buffer.from('{}'),
    fields: { ...fields, deliveryTag: 1, redelivered: false, consumerTag: 'c' },
    properties: { headers },
  } as unknown as ConsumeMessage;
}
const fromPublisher = (headers: Record<string, unknown>) =>
  delivery({ exchange: 'whatsapp-exchange', routingKey: 'outbound.processed.acme' }, headers);
const backFrom = (queue: string, headers: Record<string, unknown>, reason = 'expired') =>
  delivery({ exchange: '', routingKey: 'outbound-processed' }, { ...headers, 'x-death': [{ queue, reason, count: 1, exchange: '' }] });

describe(DeliveryStateReader.name, () => {
  const reader = new DeliveryStateReader(options);

  describe('a first delivery from a publisher', () => {
    it("ignores the publisher's bookkeeping headers, whatever they say", () => {
      expect(reader.read(fromPublisher(forged), NOW)).toEqual({
        attempts: 0,
        deferrals: 0,
        firstSeenAt: NOW,
        originalRoutingKey: 'outbound.processed.acme',
      });
    });

    it('names the tenant of the routing key it was published with, not of a forged header', () => {
      expect(reader.tenantOf(fromPublisher(forged))).toBe('acme');
    });

    it('is not taken for a returning message because it carries a forged x-death', () => {
      const message = delivery(
        { exchange: 'whatsapp-exchange', routingKey: 'outbound.processed.acme' },
        { ...forged, 'x-death': [{ queue: 'outbound-processed.retry.1000ms', reason: 'expired' }] },
      );
      expect(reader.comesBackFromOwnQueue(message)).toBe(false);
    });
  });

  describe('a message back from its own wait queues', () => {
    const ownHeaders = {
      'x-attempts': 2,
      'x-deferrals': 3,
      'x-first-seen-at': NOW - 60_000,
      'x-slot-at': NOW - 10,
      'x-original-routing-key': 'outbound.processed.acme',
    };

    it.each(['outbound-processed.retry.1000ms', 'outbound-processed.delay.acme.0a1b2c'])(
      'trusts what the service wrote, back from %s',
      (queue) => {
        expect(reader.read(backFrom(queue, ownHeaders), NOW)).toEqual({
          attempts: 2,
          deferrals: 3,
          firstSeenAt: NOW - 60_000,
          originalRoutingKey: 'outbound.processed.acme',
          slotAt: NOW - 10,
        });
      },
    );

    it('clamps every value to what the service could have written', () => {
      const state = reader.read(backFrom('outbound-processed.retry.1000ms', forged), NOW);
      expect(state.attempts).toBe(5);
      expect(state.firstSeenAt).toBe(NOW);
      expect(state.slotAt).toBeUndefined();
    });

    it('keeps a slot that lies within the longest wait', () => {
      expect(reader.read(backFrom('outbound-processed.delay.acme.0a1b2c', { 'x-slot-at': NOW + 60_000 }), NOW).slotAt).toBe(NOW + 60_000);
    });

    it.each([
      ['another queue', backFrom('someone-elses-queue', ownHeaders)],
      ['a rejection, not an expiry', backFrom('outbound-processed.retry.1000ms', ownHeaders, 'rejected')],
      ['a publish to the work queue by name', delivery({ exchange: '', routingKey: 'outbound-processed' }, ownHeaders)],
    ])('trusts nothing from %s', (_, message) => {
      expect(reader.read(message, NOW)).toMatchObject({ attempts: 0, deferrals: 0, firstSeenAt: NOW });
    });

    it('reads malformed values as unset', () => {
      const state = reader.read(
        backFrom('outbound-processed.retry.1000ms', { 'x-attempts': 'many', 'x-first-seen-at': 'soon', 'x-slot-at': {} }),
        NOW,
      );
      expect(state).toEqual({ attempts: 0, deferrals: 0, firstSeenAt: NOW, originalRoutingKey: 'outbound-processed' });
    });
  });

  it('reads a delivery once: every reader of it shares the same state', () => {
    const message = fromPublisher({});
    expect(reader.read(message)).toBe(reader.read(message));
  });
});
