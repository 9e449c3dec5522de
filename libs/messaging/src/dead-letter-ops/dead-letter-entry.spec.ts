import { MessageProperties } from 'amqplib';
import { describeDeadLetter, RawDeadLetter } from './dead-letter-entry';
import { DeadLetterShape } from './dead-letter-shape';

/** A service that names its messages as the messaging lib's dead-letter publisher does. */
const OUTBOUND: DeadLetterShape = {
  messageIdHeader: 'x-internal-id',
  messageIdField: 'internalId',
  traceIdHeader: 'x-error-trace-id',
  workRoutingKeyPrefix: 'outbound.processed.',
};
/** A service that keys its messages by another id, in a header and a metadata field of its own. */
const INBOUND: DeadLetterShape = {
  messageIdHeader: 'x-whatsapp-message-id',
  messageIdField: 'whatsapp_message_id',
  traceIdHeader: 'x-genesys-context-id',
  workRoutingKeyPrefix: 'inbound.processed.',
};

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
      OUTBOUND,
    );
    expect(entry).toMatchObject({
      position: 3,
      messageId: 'm-1',
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

  it('falls back to the body, then the routing key, for tenant and message id', () => {
    const fromBody = describeDeadLetter(
      message('{"metadata":{"tenantId":"globex","internalId":"m-2"}}', {
        'x-error-category': 'PERMANENT',
        'x-original-routing-key': 'outbound.processed.x',
      }),
      1,
      OUTBOUND,
    );
    expect(fromBody).toMatchObject({ tenantId: 'globex', messageId: 'm-2' });
    const fromKey = describeDeadLetter(
      message('not json', { 'x-error-category': 'INVALID_ENVELOPE', 'x-original-routing-key': 'outbound.processed.initech' }),
      1,
      OUTBOUND,
    );
    expect(fromKey).toMatchObject({
      tenantId: 'initech',
      messageId: undefined,
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
      OUTBOUND,
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
    const entry = describeDeadLetter({ content: Buffer.from([0xff, 0xfe, 0x00]), properties: {} as MessageProperties }, 7, OUTBOUND);
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
    const entry = describeDeadLetter(
      message('{}', { 'x-error-category': 'auth', 'x-note': Buffer.from('bytes'), 'x-replay-count': 2 }),
      1,
      OUTBOUND,
    );
    expect(entry).toMatchObject({ category: 'AUTH', replayCount: 2, headers: { 'x-note': 'bytes' } });
  });

  describe('of a service that names its messages otherwise', () => {
    const inbound = (headers: Record<string, unknown>, metadata: Record<string, unknown> = {}) =>
      message(JSON.stringify({ metadata: { timestamp: '2026-01-02T03:00:00.000Z', ...metadata }, genesysPayload: {} }), headers);

    it('reads the message id from the header the service names, else from its metadata field', () => {
      const fromHeader = describeDeadLetter(
        inbound({ 'x-error-category': 'PERMANENT', 'x-whatsapp-message-id': 'wamid.header' }, { whatsapp_message_id: 'wamid.body' }),
        1,
        INBOUND,
      );
      expect(fromHeader.messageId).toBe('wamid.header');
      const fromBody = describeDeadLetter(inbound({ 'x-error-category': 'PERMANENT' }, { whatsapp_message_id: 'wamid.body' }), 1, INBOUND);
      expect(fromBody.messageId).toBe('wamid.body');
      const otherServicesId = describeDeadLetter(inbound({ 'x-internal-id': 'm-1' }, { internalId: 'm-1' }), 1, INBOUND);
      expect(otherServicesId.messageId).toBeUndefined();
    });

    it('replays an entry that names no routing key to the work routing key of the tenant the service recorded', () => {
      const entry = describeDeadLetter(
        inbound({ 'x-error-category': 'PERMANENT', 'x-tenant-id': 'acme', 'x-attempts': 1 }, { tenantId: 'acme' }),
        1,
        INBOUND,
      );
      expect(entry).toMatchObject({ tenantId: 'acme', originalRoutingKey: 'inbound.processed.acme', problems: [] });
    });

    it('prefers the routing key the message was published or dead-lettered with over one built from the tenant', () => {
      const recorded = describeDeadLetter(
        inbound({ 'x-error-category': 'PERMANENT', 'x-tenant-id': 'acme', 'x-original-routing-key': 'inbound.processed.acme-eu' }),
        1,
        INBOUND,
      );
      expect(recorded.originalRoutingKey).toBe('inbound.processed.acme-eu');
      const byBroker = describeDeadLetter(
        inbound({
          'x-tenant-id': 'acme',
          'x-death': [{ reason: 'expired', queue: 'inbound-processed', 'routing-keys': ['inbound.processed.b'] }],
        }),
        1,
        INBOUND,
      );
      expect(byBroker.originalRoutingKey).toBe('inbound.processed.b');
    });

    it.each([
      ['a tenant only the body names', {}, { tenantId: 'acme' }],
      ['a tenant that is not one routing-key word', { 'x-tenant-id': 'acme.eu' }, {}],
      ['a wildcard tenant', { 'x-tenant-id': '#' }, {}],
      ['a tenant with spaces', { 'x-tenant-id': 'ac me' }, {}],
    ])('never builds a routing key from %s', (_what, headers, metadata) => {
      const entry = describeDeadLetter(inbound({ 'x-error-category': 'PERMANENT', ...headers }, metadata), 1, INBOUND);
      expect(entry.originalRoutingKey).toBeUndefined();
      expect(entry.problems).toEqual(['no x-original-routing-key header nor x-death routing key: cannot be replayed']);
    });
  });
});
