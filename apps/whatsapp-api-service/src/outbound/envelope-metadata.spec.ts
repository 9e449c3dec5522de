import { checkEnvelopeMetadata } from './envelope-metadata';

describe('checkEnvelopeMetadata', () => {
  const valid = { tenantId: 'acme', phoneNumberId: '106540352242922', internalId: 'm-1', timestamp: '2026-01-01T00:00:00Z' };

  it('lets valid metadata through as the same object, unknown fields and all', () => {
    const metadata = { ...valid, priority: 'high', retryCount: 0, correlationId: 'c-1', extra: true };
    const checked = checkEnvelopeMetadata(metadata, 'metadata');
    expect(checked).toEqual({ ok: true, metadata });
    expect(checked.ok && checked.metadata).toBe(metadata);
  });

  it('treats null and absent optional fields alike, and checks them when given', () => {
    expect(checkEnvelopeMetadata({ ...valid, retryCount: null, correlationId: null }, 'metadata').ok).toBe(true);
    expect(checkEnvelopeMetadata({ ...valid, retryCount: 1.5, correlationId: 'x'.repeat(129) }, 'm')).toEqual({
      ok: false,
      problems: ['m.retryCount must be an integer number', 'm.correlationId must be shorter than or equal to 128 characters'],
    });
  });

  it('reports the first failing check of each field, in field order', () => {
    const checked = checkEnvelopeMetadata({ tenantId: 'a.b', phoneNumberId: 7, internalId: '', timestamp: 0, retryCount: -1 }, 'metadata');
    expect(checked).toEqual({
      ok: false,
      problems: [
        'metadata.tenantId must be 1-64 letters, digits, _ or -',
        'metadata.phoneNumberId must be a string',
        'metadata.internalId should not be empty',
        'metadata.timestamp must be an ISO-8601 date-time or epoch milliseconds',
        'metadata.retryCount must not be less than 0',
      ],
    });
  });

  it('counts a character outside the BMP as one, as the length limit always has', () => {
    expect(checkEnvelopeMetadata({ ...valid, internalId: '😀'.repeat(128) }, 'metadata').ok).toBe(true);
    expect(checkEnvelopeMetadata({ ...valid, internalId: 'x'.repeat(129) }, 'metadata').ok).toBe(false);
  });

  it.each([null, 'metadata', [valid], 42])('refuses %p as not an object', (metadata) => {
    expect(checkEnvelopeMetadata(metadata, 'metadata')).toEqual({ ok: false, problems: ['metadata must be an object'] });
  });
});
