import { validateInboundMessage, validateInboundReceipt } from './open-messaging.validator';

const from = { id: '919876543210', idType: 'Phone', nickname: 'Jo' };
const message = (overrides: Record<string, unknown> = {}, channel: Record<string, unknown> = {}) => ({
  channel: { messageId: 'wamid.HBgN', from, time: '2026-01-15T03:33:20.000Z', ...channel },
  text: 'Hello',
  ...overrides,
});
const attachment = { mediaType: 'Image', url: 'https://media.example.com/abc.jpg', mime: 'image/jpeg' };

describe(validateInboundMessage.name, () => {
  it.each<[string, unknown]>([
    ['text only', message()],
    [
      'content only',
      message({ text: undefined, content: [{ attachment: { ...attachment, filename: 'abc.jpg', text: 'caption', id: 'm1' } }] }),
    ],
    ['text and content', message({ content: [{ attachment }] })],
    ['a time without milliseconds', message({}, { time: '2026-01-15T03:33:20Z' })],
    ['custom attributes in channel.metadata', message({}, { metadata: { customAttributes: { waBusinessNumber: '15550001111' } } })],
    ['a string→string top-level metadata', message({ metadata: { source: 'whatsapp' } })],
    [
      'every optional sender field',
      message({}, { from: { ...from, firstName: 'J', lastName: 'D', image: 'https://x/y.png', email: 'j@x' } }),
    ],
  ])('accepts %s', (_name, body) => {
    expect(validateInboundMessage(body)).toBeUndefined();
  });

  it('quotes the anyOf error when neither text nor content is there', () => {
    expect(validateInboundMessage(message({ text: undefined }))).toBe(
      "should have required property 'content', should have required property '.text', should match some schema in anyOf",
    );
  });

  it.each<[string, unknown, string]>([
    ['a non-object body', [], 'should be object'],
    ['no channel', { text: 'x' }, "should have required property 'channel'"],
    ['no sender', message({}, { from: undefined }), "channel should have required property 'from'"],
    ['no sender id', message({}, { from: { idType: 'Phone' } }), "channel.from should have required property 'id'"],
    ['an empty sender id', message({}, { from: { id: '', idType: 'Phone' } }), 'channel.from.id should NOT be shorter than 1 characters'],
    [
      'an unknown idType',
      message({}, { from: { id: '1', idType: 'WhatsApp' } }),
      'channel.from.idType should be equal to one of the allowed values: Email, Phone, Opaque',
    ],
    ['no time', message({}, { time: undefined }), "channel should have required property 'time'"],
    [
      'a time with an offset',
      message({}, { time: '2026-01-15T03:33:20+01:00' }),
      'channel.time should be an ISO-8601 date-time in UTC (yyyy-MM-ddTHH:mm:ss[.mmm]Z)',
    ],
    [
      'an impossible time',
      message({}, { time: '2026-02-30T03:33:20Z' }),
      'channel.time should be an ISO-8601 date-time in UTC (yyyy-MM-ddTHH:mm:ss[.mmm]Z)',
    ],
    ['a numeric messageId', message({}, { messageId: 7 }), 'channel.messageId should be string'],
    ['a non-string text', message({ text: 7 }), 'text should be string'],
    ['an empty content list', message({ text: undefined, content: [] }), 'content should NOT have fewer than 1 items'],
    ['a content element without attachment', message({ content: [{}] }), "content[0] should have required property 'attachment'"],
    [
      'an unknown mediaType',
      message({ content: [{ attachment: { ...attachment, mediaType: 'Sticker' } }] }),
      'content[0].attachment.mediaType should be equal to one of the allowed values: Image, Video, Audio, File, Link',
    ],
    [
      'an attachment without mime',
      message({ content: [{ attachment: { ...attachment, mime: undefined } }] }),
      "content[0].attachment should have required property 'mime'",
    ],
    [
      'an attachment on plain http',
      message({ content: [{ attachment: { ...attachment, url: 'http://media/x.jpg' } }] }),
      'content[0].attachment.url should be an absolute https URL',
    ],
    [
      'the old contentType field',
      message({ content: [{ contentType: 'Attachment', attachment }] }),
      "content[0] should NOT have additional properties: 'contentType'",
    ],
    ['a nested value in top-level metadata', message({ metadata: { customAttributes: { a: 'b' } } }), 'metadata values should be string'],
    [
      'a non-string custom attribute',
      message({}, { metadata: { customAttributes: { count: 3 } } }),
      'channel.metadata.customAttributes values should be string',
    ],
    [
      'an unknown channel.metadata field',
      message({}, { metadata: { tenant: 'acme' } }),
      "channel.metadata should NOT have additional properties: 'tenant'",
    ],
    [
      'an unknown sender field',
      message({}, { from: { ...from, phone: '1' } }),
      "channel.from should NOT have additional properties: 'phone'",
    ],
  ])('refuses %s', (_name, body, problem) => {
    expect(validateInboundMessage(body)).toBe(problem);
  });

  // The fields of the deprecated `/inbound/open` shape (fact sheet §1.2).
  it.each<[string, Record<string, unknown>, Record<string, unknown>, string]>([
    ['channel.platform', {}, { platform: 'Open' }, "channel should NOT have additional properties: 'platform'"],
    ['channel.type', {}, { type: 'Private' }, "channel should NOT have additional properties: 'type'"],
    ['channel.to', {}, { to: { id: 'integration' } }, "channel should NOT have additional properties: 'to'"],
    ['a top-level id', { id: 'x' }, {}, "should NOT have additional properties: 'id'"],
    ['a top-level type', { type: 'Text' }, {}, "should NOT have additional properties: 'type'"],
    ['a top-level direction', { direction: 'Inbound' }, {}, "should NOT have additional properties: 'direction'"],
  ])('refuses the legacy field %s', (_name, overrides, channel, problem) => {
    expect(validateInboundMessage(message(overrides, channel))).toBe(problem);
  });

  it('never quotes the message text or a metadata value', () => {
    const secret = 'card 4111 1111 1111 1111';
    const problems = [
      validateInboundMessage(message({ text: secret, metadata: { note: { secret } } })),
      validateInboundMessage(message({ content: [{ attachment: { ...attachment, url: `http://${secret}` } }] })),
      validateInboundMessage(message({}, { from: { id: '1', idType: secret } })),
    ];
    for (const problem of problems) {
      expect(problem).toBeDefined();
      expect(problem).not.toContain('4111');
    }
  });
});

describe(validateInboundReceipt.name, () => {
  const receipt = (overrides: Record<string, unknown> = {}) => ({
    id: 'a7d6f1e0c3b24f1e9d8c7b6a5f4e3d2c',
    channel: { to: { id: '919876543210', idType: 'Phone' }, time: '2026-01-15T03:33:21.000Z' },
    status: 'Delivered',
    isFinalReceipt: true,
    ...overrides,
  });

  it.each<[string, unknown]>([
    ['a delivered receipt', receipt()],
    ['a failed receipt with reasons', receipt({ status: 'Failed', reasons: [{ code: 'GeneralError', message: 'undeliverable' }] })],
    ['a receipt without isFinalReceipt', receipt({ isFinalReceipt: undefined })],
  ])('accepts %s', (_name, body) => {
    expect(validateInboundReceipt(body)).toBeUndefined();
  });

  it.each<[string, unknown, string]>([
    ['Read', receipt({ status: 'Read' }), 'status should be equal to one of the allowed values: Delivered, Failed'],
    ['Sent', receipt({ status: 'Sent' }), 'status should be equal to one of the allowed values: Delivered, Failed'],
    ['no id', receipt({ id: undefined }), "should have required property 'id'"],
    ['no recipient', receipt({ channel: { time: '2026-01-15T03:33:21Z' } }), "channel should have required property 'to'"],
    ['no time', receipt({ channel: { to: { id: '1' } } }), "channel should have required property 'time'"],
    [
      'a reason without message',
      receipt({ status: 'Failed', reasons: [{ code: 'GeneralError' }] }),
      "reasons[0] should have required property 'message'",
    ],
    ['a non-boolean isFinalReceipt', receipt({ isFinalReceipt: 'yes' }), 'isFinalReceipt should be boolean'],
    ['the example\u2019s direction field', receipt({ direction: 'Outbound' }), "should NOT have additional properties: 'direction'"],
  ])('refuses %s', (_name, body, problem) => {
    expect(validateInboundReceipt(body)).toBe(problem);
  });
});
