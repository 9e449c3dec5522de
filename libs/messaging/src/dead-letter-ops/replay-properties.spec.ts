import { MessageProperties } from 'amqplib';
import { replayProperties } from './replay-properties';

const NOW = new Date('2026-01-01T12:00:00.000Z');

describe('replayProperties', () => {
  const deadLetter = (headers: Record<string, unknown>) => ({
    content: Buffer.from('{}'),
    properties: {
      contentType: 'application/json',
      messageId: 'mid-1',
      correlationId: 'corr-1',
      timestamp: 1_700_000_000,
      appId: 'genesys-bridge',
      expiration: '1000',
      deliveryMode: 2,
      headers,
    } as MessageProperties,
  });

  const WHATSAPP_IDS = { messageIdHeader: 'x-internal-id', traceIdHeader: 'x-error-trace-id' };

  it('resets the delivery state, drops the old reason and records the replay', () => {
    const properties = replayProperties(
      deadLetter({
        'x-attempts': 3,
        'x-deferrals': 2,
        'x-first-seen-at': 1_699_999_000_000,
        'x-original-routing-key': 'outbound.processed.acme',
        'x-last-error-category': 'TRANSIENT',
        'x-last-error-code': '131000',
        'x-slot-at': 1_700_000_000_500,
        'x-error-category': 'RETRIES_EXHAUSTED',
        'x-error-code': '131000',
        'x-error-subcode': '1',
        'x-error-message': 'boom',
        'x-error-trace-id': 'trace',
        'x-tenant-id': 'acme',
        'x-internal-id': 'm-1',
        'x-failed-at': '2026-01-01T11:00:00.000Z',
        'x-death': [{ reason: 'rejected' }],
        'x-first-death-queue': 'outbound-processed',
        'x-upstream-trace': 'kept',
      }),
      'RETRIES_EXHAUSTED',
      NOW,
      WHATSAPP_IDS,
    );
    expect(properties).toEqual({
      contentType: 'application/json',
      messageId: 'mid-1',
      correlationId: 'corr-1',
      timestamp: 1_700_000_000,
      appId: 'genesys-bridge',
      persistent: true,
      headers: {
        'x-upstream-trace': 'kept',
        'x-replay-count': 1,
        'x-replayed-at': '2026-01-01T12:00:00.000Z',
        'x-replayed-from-category': 'RETRIES_EXHAUSTED',
      },
    });
  });

  it('counts replays across dead-letterings', () => {
    expect(replayProperties(deadLetter({ 'x-replay-count': 2 }), 'AUTH', NOW, WHATSAPP_IDS).headers!['x-replay-count']).toBe(3);
    expect(replayProperties(deadLetter({ 'x-replay-count': 'junk' }), 'AUTH', NOW, WHATSAPP_IDS).headers!['x-replay-count']).toBe(1);
  });

  it('drops the headers the service names as its own dead-letter headers, as it drops the shared ones', () => {
    const properties = replayProperties(
      deadLetter({
        'x-error-category': 'PERMANENT',
        'x-error-status': 400,
        'x-attempts': 1,
        'x-tenant-id': 'acme',
        'x-failed-at': '2026-01-01T11:00:00.000Z',
        'x-whatsapp-message-id': 'wamid.1',
        'x-genesys-context-id': 'ctx-1',
        'x-upstream-trace': 'kept',
      }),
      'PERMANENT',
      NOW,
      { messageIdHeader: 'x-whatsapp-message-id', traceIdHeader: 'x-genesys-context-id' },
    );
    expect(properties.headers).toEqual({
      'x-upstream-trace': 'kept',
      'x-replay-count': 1,
      'x-replayed-at': '2026-01-01T12:00:00.000Z',
      'x-replayed-from-category': 'PERMANENT',
    });
  });
});
