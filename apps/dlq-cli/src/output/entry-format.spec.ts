import { DeadLetterEntry } from '@lib/messaging/dead-letter-ops';
import { ageOf, entriesTable, entryDetails } from './entry-format';

const NOW = new Date('2026-01-01T12:00:00.000Z');
const entry: DeadLetterEntry = {
  position: 2,
  messageId: 'm-1',
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

/** What a terminal would act on rather than show: C0 but line feed and tab, DEL, C1. */
// eslint-disable-next-line no-control-regex -- looking for control characters is the point of the check
const TERMINAL_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** A dead letter written by someone who wants to rewrite the operator's screen. */
const hostile: DeadLetterEntry = {
  ...entry,
  messageId: 'm-\u001b[2J1',
  tenantId: 'acme\u009b2J',
  reason: 'failed\r\u001b[32mall good\u0007',
  properties: { messageId: 'mid\u001b]0;title\u0007' },
  headers: { 'x-evil\u001b[2J': 'value\u009b31m', 'x-error-message': 'a\rb\bc\u007f' },
  body: { bytes: 40, text: 'line one\r\u001b[2Jline two\nline three\u0008' },
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
            messageId: undefined,
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
      '#  MESSAGE ID  TENANT  CATEGORY        CODE    ATTEMPTS  FAILED  REASON',
      '2  m-1         acme    WINDOW_EXPIRED  131047  1         2h ago  (#131047) Re-engagement message',
      '3  -           -       WINDOW_EXPIRED  -       -         -       body is not JSON',
    ]);
  });

  it('shows headers and the pretty-printed body, or the raw text of a body that is not JSON', () => {
    const details = entryDetails(entry, 'outbound-failed', NOW);
    expect(details).toContain('x-error-category: "WINDOW_EXPIRED"');
    expect(details).toContain('body (13 bytes)\n{\n  "hello": "world"\n}');
    expect(entryDetails({ ...entry, body: { bytes: 3, text: 'abc' } }, 'outbound-failed', NOW)).toContain('body (3 bytes, not JSON)\nabc');
  });

  it('shows the control characters of a hostile entry as visible escapes, in the table and in the details', () => {
    const table = entriesTable([hostile], NOW);
    expect(table).not.toMatch(TERMINAL_CONTROL);
    expect(table.split('\n')).toEqual([
      '#  MESSAGE ID    TENANT        CATEGORY        CODE    ATTEMPTS  FAILED  REASON',
      '2  m-\\u001b[2J1  acme\\u009b2J  WINDOW_EXPIRED  131047  1         2h ago  failed\\u000d\\u001b[32mall good\\u0007',
    ]);

    const details = entryDetails(hostile, 'outbound-failed', NOW);
    expect(details).not.toMatch(TERMINAL_CONTROL);
    expect(details).toContain('message id   m-\\u001b[2J1');
    expect(details).toContain('messageId: "mid\\u001b]0;title\\u0007"');
    expect(details).toContain('x-evil\\u001b[2J: "value\\u009b31m"');
    expect(details).toContain('x-error-message: "a\\rb\\bc\\u007f"');
    expect(details).toContain('body (40 bytes, not JSON)\nline one\\u000d\\u001b[2Jline two\nline three\\u0008');
  });

  it('escapes C1 controls in a JSON body, which JSON.stringify leaves as they are', () => {
    const details = entryDetails({ ...entry, body: { bytes: 30, json: { text: 'hi\u009b2J\u001b[0m' } } }, 'outbound-failed', NOW);
    expect(details).not.toMatch(TERMINAL_CONTROL);
    expect(details).toContain('"text": "hi\\u009b2J\\u001b[0m"');
  });
});
