import { MessageProperties } from 'amqplib';
import { describeDeadLetter, RawDeadLetter } from './dead-letter-entry';

const message = (
  content: Buffer | string,
  headers: Record<string, unknown> = {},
  properties: Partial<MessageProperties> = {},
): RawDeadLetter => ({
  content: Buffer.isBuffer(content) ? content : Buffer.from(content),
  properties: { headers, ...properties } as MessageProperties,
});

describe('describeDeadLetter', () => {
  it('reads the reason headers the service writes', () => {
    const entry = describeDeadLetter(
      message(
        '{"metadata":{"tenantId":"body-tenant","internalId":"body-id"}}',
        {
          'x-error-category': 'WINDOW_EXPIRED',
          'x-error-code': '131047',
          'x-error-message': '(#131047) Re-engagement message',
          'x-attempts': 1,
          'x-tenant-id': 'acme',
          'x-internal-id': 'm-1',
          'x-failed-at': '2026-01-02T03:04:05.000Z',
          'x-original-routing-key': 'outbound.processed.acme',
        },
        { messageId: 'mid-1', contentType: 'application/json' },
      ),
      3,
    );
    expect(entry).toMatchObject({
      position: 3,
      internalId: 'm-1',
      tenantId: 'acme',
      category: 'WINDOW_EXPIRED',
      code: '131047',
      reason: '(#131047) Re-engagement message',
      attempts: 1,
      failedAt: '2026-01-02T03:04:05.000Z',
      originalRoutingKey: 'outbound.processed.acme',
      replayCount: 0,
      properties: { messageId: 'mid-1', contentType: 'application/json' },
      problems: [],
    });
    expect(entry.body.json).toEqual({ metadata: { tenantId: 'body-tenant', internalId: 'body-id' } });
  });

  it('falls back to the body, then the routing key, for tenant and internal id', () => {
    const fromBody = describeDeadLetter(
      message('{"metadata":{"tenantId":"globex","internalId":"m-2"}}', {
        'x-error-category': 'PERMANENT',
        'x-original-routing-key': 'outbound.processed.x',
      }),
      1,
    );
    expect(fromBody).toMatchObject({ tenantId: 'globex', internalId: 'm-2' });
    const fromKey = describeDeadLetter(
      message('not json', { 'x-error-category': 'INVALID_ENVELOPE', 'x-original-routing-key': 'outbound.processed.initech' }),
      1,
    );
    expect(fromKey).toMatchObject({
      tenantId: 'initech',
      internalId: undefined,
      body: { bytes: 8, text: 'not json' },
      problems: ['body is not JSON'],
    });
  });

  it('describes an entry the broker dead-lettered by itself from its x-death record', () => {
    const entry = describeDeadLetter(
      message('{}', {
        'x-death': [
          {
            reason: 'rejected',
            queue: 'outbound-processed',
            count: 1,
            time: { '!': 'timestamp', value: 1_700_000_000 },
            'routing-keys': ['outbound.processed.acme'],
          },
        ],
      }),
      1,
    );
    expect(entry).toMatchObject({
      category: 'BROKER_REJECTED',
      originalRoutingKey: 'outbound.processed.acme',
      tenantId: 'acme',
      failedAt: new Date(1_700_000_000_000).toISOString(),
      reason: "dead-lettered by the broker (rejected) from 'outbound-processed'",
      problems: ['no x-error-category header'],
    });
    expect((entry.headers['x-death'] as any)[0].time).toBe(new Date(1_700_000_000_000).toISOString());
  });

  it('never throws on an entry without headers, with a binary body', () => {
    const entry = describeDeadLetter({ content: Buffer.from([0xff, 0xfe, 0x00]), properties: {} as MessageProperties }, 7);
    expect(entry).toMatchObject({
      position: 7,
      category: 'UNKNOWN',
      tenantId: undefined,
      originalRoutingKey: undefined,
      headers: {},
      body: { bytes: 3 },
    });
    expect(entry.problems).toEqual([
      'body is not JSON',
      'no x-error-category header',
      'no x-original-routing-key header nor x-death routing key: cannot be replayed',
    ]);
  });

  it('shows binary header values as text and counts earlier replays', () => {
    const entry = describeDeadLetter(message('{}', { 'x-error-category': 'auth', 'x-note': Buffer.from('bytes'), 'x-replay-count': 2 }), 1);
    expect(entry).toMatchObject({ category: 'AUTH', replayCount: 2, headers: { 'x-note': 'bytes' } });
  });
});
