import { parseIsoDateTime } from '@lib/contracts';
import { checkRecord } from './tenant-record.validator';

describe('parseIsoDateTime', () => {
  it.each([
    ['2026-01-01T00:00:00Z', Date.UTC(2026, 0, 1)],
    ['2026-01-01T01:30:00+01:30', Date.UTC(2026, 0, 1)],
    ['2024-02-29T12:00:00.123Z', Date.UTC(2024, 1, 29, 12, 0, 0, 123)],
  ])('reads %s', (value, expected) => {
    expect(parseIsoDateTime(value)).toBe(expected);
  });

  it.each([
    ['a number', 1767225600000],
    ['a word', 'tomorrow'],
    ['a date without a time', '2026-01-01'],
    ['a time without a zone', '2026-01-01T00:00:00'],
    ['a day the month does not have', '2026-02-29T00:00:00Z'],
    ['hour 24', '2026-01-01T24:00:00Z'],
    ['a month 13', '2026-13-01T00:00:00Z'],
    ['text around it', ' 2026-01-01T00:00:00Z'],
  ])('refuses %s', (_name, value) => {
    expect(parseIsoDateTime(value)).toBeUndefined();
  });
});

describe('checkRecord', () => {
  const good = { tenantId: 'acme', credentialType: 'whatsapp', status: 'active', credentials: { a: 1 } };

  it('returns status, expiry and the credentials of a well-formed record', () => {
    expect(checkRecord({ ...good, expiresAt: '2099-01-01T00:00:00Z' }, 'acme', 'whatsapp')).toEqual({
      ok: true,
      record: { status: 'active', expiresAt: Date.UTC(2099, 0, 1), credentials: { a: 1 } },
    });
  });

  it('lists every problem, naming fields only', () => {
    const check = checkRecord(
      { tenantId: 'evil', credentialType: 7, status: 'paused', expiresAt: 'soon', lastValidated: 1 },
      'acme',
      'whatsapp',
    );
    expect(check).toEqual({
      ok: false,
      problems: [
        'tenantId is not the tenant asked for',
        "credentialType is not 'whatsapp'",
        'status must be one of active, suspended, expired',
        'expiresAt must be an ISO-8601 date-time string',
        'lastValidated must be an ISO-8601 date-time string',
      ],
    });
  });
});
