import { readJsonBody } from '@lib/delivery';
import { outboundEnvelope, WABA_PAYLOAD_SAMPLES } from '@lib/testing';
import { EnvelopeParser, internalIdOf } from './envelope-parser';
import { SEND_MESSAGE_EXAMPLES } from './payload-validation/meta-openapi/send-message-examples.fixture';

const checker = new EnvelopeParser();
/** What the delivery pipeline does with a body, with this service's checker: read it as JSON, then check it. */
const parser = {
  parse(raw: Buffer) {
    const body = readJsonBody(raw, 16384);
    if (!body.ok)
      return { ok: false as const, reason: body.reason, internalId: body.json === undefined ? undefined : internalIdOf(body.json) };
    const checked = checker.check(body.json);
    return checked.ok ? checked : { ...checked, internalId: internalIdOf(body.json) };
  },
};
const owner = { tenantId: 'acme', phoneNumberId: '106540352242922' };
const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));

function reasonFor(value: unknown): string {
  const result = parser.parse(Buffer.isBuffer(value) ? value : bytes(value));
  if (result.ok) throw new Error('expected the envelope to be refused');
  return result.reason;
}

describe(EnvelopeParser.name, () => {
  describe.each(Object.entries(WABA_PAYLOAD_SAMPLES))('accepts a valid %s payload', (kind, sample) => {
    it('and keeps it exactly as published', () => {
      const envelope = outboundEnvelope({ ...owner, wabaPayload: sample('+4915112345678') });
      const result = parser.parse(bytes(envelope));
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.envelope.wabaPayload).toEqual(envelope.wabaPayload);
      expect(result.envelope.messageType).toBe(kind === 'markAsRead' ? 'mark_as_read' : envelope.wabaPayload.type);
    });
  });

  describe.each(Object.entries(SEND_MESSAGE_EXAMPLES))("accepts Meta's example '%s'", (_name, wabaPayload) => {
    it('unchanged', () => {
      const result = parser.parse(bytes(outboundEnvelope({ ...owner, wabaPayload })));
      expect(result).toMatchObject({ ok: true, envelope: { wabaPayload } });
    });
  });

  it('accepts a text message without type, which Meta sends as text', () => {
    const { type: _type, ...untyped } = WABA_PAYLOAD_SAMPLES.text('+4915112345678');
    expect(parser.parse(bytes(outboundEnvelope({ ...owner, wabaPayload: untyped })))).toMatchObject({
      ok: true,
      envelope: { messageType: 'text' },
    });
  });

  it('says where a body is not JSON without quoting it', () => {
    for (const body of ['{"metadata": SECRET-TEXT}', 'SECRET-TEXT', '{"text": "SECRET-TEXT', '[SECRET-TEXT]']) {
      const reason = reasonFor(Buffer.from(body));
      expect(reason).toMatch(/^message body is not JSON: .* at position \d+$/);
      expect(reason).not.toMatch(/SECRET|TEXT/);
    }
  });

  it('accepts epoch milliseconds as the timestamp and the optional metadata', () => {
    const envelope = outboundEnvelope(owner);
    const withOptional = { ...envelope, metadata: { ...envelope.metadata, timestamp: Date.now(), priority: 'high', retryCount: 2 } };
    expect(parser.parse(bytes(withOptional)).ok).toBe(true);
  });

  it.each([
    ['metadata missing', { wabaPayload: WABA_PAYLOAD_SAMPLES.text('+1') }, 'metadata must be an object'],
    ['tenantId missing', { metadata: { phoneNumberId: '1', internalId: 'i', timestamp: 1 } }, 'metadata.tenantId must be a string'],
    [
      'phoneNumberId not digits',
      { metadata: { tenantId: 'a', phoneNumberId: 'abc', internalId: 'i', timestamp: 1 } },
      'metadata.phoneNumberId must be a Meta phone-number-id',
    ],
    [
      'bad timestamp',
      { metadata: { tenantId: 'a', phoneNumberId: '1', internalId: 'i', timestamp: 'yesterday' } },
      'metadata.timestamp must be an ISO-8601',
    ],
    [
      'negative retryCount',
      { metadata: { tenantId: 'a', phoneNumberId: '1', internalId: 'i', timestamp: 1, retryCount: -1 } },
      'metadata.retryCount must not be less than 0',
    ],
  ])('refuses an envelope with %s', (_name, envelope, reason) => {
    expect(reasonFor({ wabaPayload: WABA_PAYLOAD_SAMPLES.text('+1'), ...envelope })).toContain(reason);
  });

  const message = (fields: Record<string, unknown>) => ({ messaging_product: 'whatsapp', to: '+1', ...fields });
  it.each([
    [
      'an unknown type',
      message({ type: 'fax' }),
      "wabaPayload.type 'fax' is not one of: text, audio, document, image, location, video, sticker, reaction, interactive, template, contacts",
    ],
    [
      'a type that is not a string',
      message({ type: 7 }),
      'wabaPayload.type (number) is not one of: text, audio, document, image, location, video, sticker, reaction, interactive, template, contacts',
    ],
    ['no recipient', { messaging_product: 'whatsapp', type: 'text', text: { body: 'x' } }, 'wabaPayload.to is required'],
    ['a numeric recipient', message({ to: 4915112345678, text: { body: 'x' } }), 'wabaPayload.to must be a string'],
    [
      'another messaging product',
      message({ messaging_product: 'sms', text: { body: 'x' } }),
      'wabaPayload.messaging_product must be "whatsapp"',
    ],
    ['no text body', message({ type: 'text', text: {} }), 'wabaPayload.text.body is required'],
    ['an empty text', message({ type: 'text', text: { body: '' } }), 'wabaPayload.text.body must not be empty'],
    [
      'text over 4096 characters',
      message({ text: { body: 'x'.repeat(4097) } }),
      'wabaPayload.text.body must be at most 4096 characters long',
    ],
    ['a field Meta does not know', message({ text: { body: 'x' }, colour: 'red' }), 'wabaPayload.colour is not allowed'],
    ['a template without language', message({ type: 'template', template: { name: 'n' } }), 'wabaPayload.template.language is required'],
    ['media with neither id nor link', message({ type: 'image', image: { caption: 'c' } }), 'wabaPayload.image needs one of: id | link'],
    [
      'media with both id and link',
      message({ type: 'video', video: { id: '1', link: 'https://cdn.example.com/v.mp4' } }),
      'wabaPayload.video must have only one of: id | link',
    ],
    [
      'a link that is not http(s)',
      message({ type: 'document', document: { link: 'ftp://cdn.example.com/a.pdf' } }),
      'wabaPayload.document.link must be an http(s) URL',
    ],
    [
      'a caption over 1024 characters',
      message({ type: 'image', image: { id: '1', caption: 'x'.repeat(1025) } }),
      'wabaPayload.image.caption must be at most 1024 characters long',
    ],
    [
      'a location without longitude',
      message({ type: 'location', location: { latitude: 1 } }),
      'wabaPayload.location.longitude is required',
    ],
    ['empty contacts', message({ type: 'contacts', contacts: [] }), 'wabaPayload.contacts must have at least 1 item'],
    [
      'an unknown interactive type',
      message({
        type: 'interactive',
        interactive: { type: 'carousel', body: { text: 'b' }, action: { buttons: [{ type: 'reply', reply: { id: 'a', title: 'A' } }] } },
      }),
      'wabaPayload.interactive.type must be one of: button, call_permission_request, catalog_message, list, product, product_list, flow, ' +
        'cta_url, location_request_message, address_message, order_details, order_status',
    ],
    [
      'a reply button without body',
      message({
        type: 'interactive',
        interactive: { type: 'button', action: { buttons: [{ type: 'reply', reply: { id: 'a', title: 'A' } }] } },
      }),
      'wabaPayload.interactive.body is required',
    ],
    [
      'a reply button without title',
      message({
        type: 'interactive',
        interactive: { type: 'button', body: { text: 'b' }, action: { buttons: [{ type: 'reply', reply: { id: 'a' } }] } },
      }),
      'wabaPayload.interactive.action.buttons[0].reply.title is required',
    ],
    [
      'a reaction without message id',
      message({ type: 'reaction', reaction: { emoji: 'x' } }),
      'wabaPayload.reaction.message_id is required',
    ],
    ['a reply without message id', { ...WABA_PAYLOAD_SAMPLES.text('+1'), context: {} }, 'wabaPayload.context.message_id is required'],
    ['a read receipt without message id', { messaging_product: 'whatsapp', status: 'read' }, 'wabaPayload.message_id is required'],
    [
      'another status than read',
      { messaging_product: 'whatsapp', status: 'delivered', message_id: 'wamid.x' },
      'wabaPayload.status must be "read"',
    ],
  ])('refuses a payload with %s', (_name, wabaPayload, reason) => {
    expect(reasonFor({ ...outboundEnvelope(owner), wabaPayload })).toBe(reason);
  });

  it('never quotes message content in a payload problem', () => {
    const secret = 'SECRET CONTENT';
    const reason = reasonFor({
      ...outboundEnvelope(owner),
      wabaPayload: message({
        type: 'image',
        image: { link: secret, caption: secret.repeat(100) },
        [secret]: secret,
        context: { message_id: 7 },
      }),
    });
    expect(reason).toBe(
      'wabaPayload.context.message_id must be a string; wabaPayload has a property that is not allowed; ' +
        'wabaPayload.image.link must be an http(s) URL; wabaPayload.image.caption must be at most 1024 characters long',
    );
  });

  it('refuses a message above the size limit before decoding it', () => {
    expect(reasonFor(Buffer.alloc(20000, 0x20))).toBe('message is 20000 bytes, above the 16384-byte limit');
  });

  it('refuses invalid UTF-8', () => {
    expect(reasonFor(Buffer.from([0x7b, 0xc3, 0x28, 0x7d]))).toBe('message body is not valid UTF-8');
  });

  it('refuses prototype-pollution keys', () => {
    const body = Buffer.from(`{"metadata":{"__proto__":{"polluted":true}},"wabaPayload":{}}`);
    expect(reasonFor(body)).toContain('__proto__');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses escaped pollution keys and hostile nesting before class-transformer sees them', () => {
    const envelope = JSON.stringify(outboundEnvelope(owner));
    expect(reasonFor(Buffer.from(envelope.replace('"text":{', '"\\u005f_proto__":{"polluted":true},"text":{')))).toContain('"__proto__"');
    expect(reasonFor(Buffer.from(envelope.replace('"body":', '"constructor":{"prototype":{"polluted":true}},"body":')))).toContain(
      '"constructor"',
    );
    expect(reasonFor(Buffer.from(envelope.replace('"body":', `"deep":${'['.repeat(5000)}${']'.repeat(5000)},"body":`)))).toContain(
      'deeper than',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const refused = parser.parse(Buffer.from(envelope.replace('"body":', '"prototype":{},"body":')));
    expect(refused).toMatchObject({ ok: false, internalId: JSON.parse(envelope).metadata.internalId });
  });

  it('reports the tenant and message ids of an invalid envelope when it can', () => {
    const result = parser.parse(bytes({ metadata: { tenantId: 'acme', internalId: 'm-1' }, wabaPayload: {} }));
    expect(result).toMatchObject({ ok: false, internalId: 'm-1' });
  });

  it('caps the number of payload problems it lists', () => {
    const reason = reasonFor({
      ...outboundEnvelope(owner),
      wabaPayload: { messaging_product: 'sms', to: '', recipient_type: 'x', context: {}, text: { body: '' }, a: 1, b: 2 },
    });
    expect(reason).toBe(
      'wabaPayload.recipient_type must be one of: individual, group; wabaPayload.a is not allowed; wabaPayload.b is not allowed; ' +
        'wabaPayload.messaging_product must be "whatsapp"; wabaPayload.to must not be empty; and 2 more',
    );
  });

  it('caps the number of problems it lists', () => {
    const reason = reasonFor({
      metadata: { tenantId: 1, phoneNumberId: 2, internalId: 3, timestamp: 'x', correlationId: 5, retryCount: 'x' },
      wabaPayload: {},
    });
    expect(reason).toMatch(/; and 1 more$/);
  });
});
