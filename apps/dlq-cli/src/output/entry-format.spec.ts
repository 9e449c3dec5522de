import { DeadLetterEntry } from '@lib/messaging/dead-letter-ops';
import { ageOf, entriesTable, entryDetails } from './entry-format';

const NOW = new Date('2026-01-01T12:00:00.000Z');
const entry: DeadLetterEntry = {
  position: 2,
  internalId: 'm-1',
  tenantId: 'acme',
  category: 'WINDOW_EXPIRED',
  reason: '(#131047) Re-engagement message',
  code: '131047',
  attempts: 1,
  failedAt: '2026-01-01T09:30:00.000Z',
  originalRoutingKey: 'outbound.processed.acme',
  replayCount: 0,
  properties: { messageId: 'mid-1' },
  headers: { 'x-error-category': 'WINDOW_EXPIRED' },
  body: { bytes: 13, json: { hello: 'world' } },
  problems: [],
};

describe('entry formatting', () => {
  it('gives ages in the largest whole unit', () => {
    expect(ageOf('2026-01-01T11:59:30.000Z', NOW)).toBe('30s ago');
    expect(ageOf('2026-01-01T09:30:00.000Z', NOW)).toBe('2h ago');
    expect(ageOf('2025-12-29T12:00:00.000Z', NOW)).toBe('3d ago');
    expect(ageOf(undefined, NOW)).toBe('-');
  });

  it('lists entries one per line with their reason', () => {
    expect(
      entriesTable(
        [
          entry,
          {
            ...entry,
            position: 3,
            internalId: undefined,
            tenantId: undefined,
            reason: undefined,
            code: undefined,
            attempts: undefined,
            failedAt: undefined,
            problems: ['body is not JSON'],
          },
        ],
        NOW,
      ).split('\n'),
    ).toEqual([
      '#  INTERNAL ID  TENANT  CATEGORY        CODE    ATTEMPTS  FAILED  REASON',
      '2  m-1          acme    WINDOW_EXPIRED  131047  1         2h ago  (#131047) Re-engagement message',
      '3  -            -       WINDOW_EXPIRED  -       -         -       body is not JSON',
    ]);
  });

  it('shows headers and the pretty-printed body, or the raw text of a body that is not JSON', () => {
    const details = entryDetails(entry, 'outbound-failed', NOW);
    expect(details).toContain('x-error-category: "WINDOW_EXPIRED"');
    expect(details).toContain('body (13 bytes)\n{\n  "hello": "world"\n}');
    expect(entryDetails({ ...entry, body: { bytes: 3, text: 'abc' } }, 'outbound-failed', NOW)).toContain('body (3 bytes, not JSON)\nabc');
  });
});
