import { validateInboundMessage } from '@lib/testing/simulators/genesys/open-messaging.validator';
import { Problems } from './field-reader';
import { mapGenesysMessage } from './genesys-payload.mapper';

const WAMID = 'wamid.HBgLMTY0NjcwNDM1OTUVAgASGBQzQTdCNTg5RjY1MEMxRjVBQTRCNQA=';
const INTEGRATION = '7b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d';
const customer = { id: '919876543210', idType: 'Phone', nickname: 'Jo', firstName: 'Jo', lastName: 'Doe' };
const image = { mediaType: 'Image', url: 'https://media.example.com/abc.jpg', mime: 'image/jpeg', filename: 'abc.jpg', text: 'caption' };

/** What upstream publishes today: the deprecated `/inbound/open` shape. */
const legacy = (fields: Record<string, unknown> = {}) => ({
  id: 'upstream-1',
  channel: {
    platform: 'Open',
    type: 'Private',
    messageId: WAMID,
    to: { id: INTEGRATION },
    from: customer,
    time: '2026-01-15T03:33:20.000Z',
  },
  type: 'Text',
  text: 'Hello',
  direction: 'Inbound',
  ...fields,
});

/** The request model of `/{integrationId}/inbound/open/message`. */
const current = (fields: Record<string, unknown> = {}) => ({
  channel: { messageId: WAMID, from: customer, time: '2026-01-15T03:33:20.000Z' },
  text: 'Hello',
  ...fields,
});

function map(payload: unknown, whatsappMessageId: string | undefined = WAMID) {
  const problems = new Problems();
  const mapped = mapGenesysMessage(payload, problems, whatsappMessageId);
  return { mapped, problems: problems.all };
}

function mapped(payload: unknown) {
  const result = map(payload);
  expect(result.problems).toEqual([]);
  return result.mapped!;
}

function problemsOf(payload: unknown): string[] {
  const result = map(payload);
  expect(result.mapped).toBeUndefined();
  return result.problems;
}

describe(mapGenesysMessage.name, () => {
  it('maps the legacy normalized shape to the current request, keeping the integration it named apart', () => {
    expect(mapped(legacy())).toEqual({
      kind: 'message',
      messageType: 'text',
      payloadShape: 'legacy',
      customerId: '919876543210',
      integrationId: INTEGRATION,
      message: { channel: { messageId: WAMID, from: customer, time: '2026-01-15T03:33:20.000Z' }, text: 'Hello' },
    });
  });

  it("unwraps the legacy content's Attachment wrapper", () => {
    const result = mapped(legacy({ text: undefined, content: [{ contentType: 'Attachment', attachment: image }] }));
    expect(result).toMatchObject({ messageType: 'attachment', payloadShape: 'legacy' });
    expect(result.kind === 'message' && result.message.content).toEqual([{ attachment: image }]);
  });

  it('takes the current request shape as it is', () => {
    const payload = current({
      content: [{ attachment: image }],
      channel: { ...current().channel, metadata: { customAttributes: { a: 'b' } } },
    });
    expect(mapped(payload)).toEqual({
      kind: 'message',
      messageType: 'attachment',
      payloadShape: 'current',
      customerId: '919876543210',
      message: payload,
    });
  });

  it('sends only the modelled fields it knows, whatever else the payload carries', () => {
    const payload = {
      ...legacy({ metadata: { k: 'v' }, extra: 1 }),
      channel: {
        ...legacy().channel,
        id: INTEGRATION,
        from: { ...customer, image: 'https://x.example/p.png', email: 'a@b.c', colour: 'red' },
        metadata: { subType: 'None', customAttributes: { waBusinessNumber: '15550001111' } },
      },
      content: [{ contentType: 'Attachment', attachment: { ...image, id: 'media-1', sha256: 'ab', contentSizeBytes: 3 } }],
    };
    const result = mapped(payload);
    expect(result.kind === 'message' && result.message).toEqual({
      channel: {
        messageId: WAMID,
        from: customer,
        time: '2026-01-15T03:33:20.000Z',
        metadata: { customAttributes: { waBusinessNumber: '15550001111' } },
      },
      text: 'Hello',
      content: [{ attachment: image }],
    });
  });

  it.each([
    ['legacy text', legacy()],
    ['legacy attachment', legacy({ content: [{ contentType: 'Attachment', attachment: { ...image, mime: 'audio/ogg; codecs=opus' } }] })],
    ['current text', current()],
    [
      'current attachment only',
      current({ text: '', content: [{ attachment: { mediaType: 'File', url: 'https://x.example/a.pdf', mime: 'application/pdf' } }] }),
    ],
    ['a time with an offset', current({ channel: { ...current().channel, time: '2026-01-15T05:33:20.123456+02:00' } })],
    [
      'empty optional names',
      current({ channel: { ...current().channel, from: { id: '1', idType: 'Phone', nickname: '', firstName: null } } }),
    ],
  ])('produces what the Open Messaging endpoint accepts from %s', (_name, payload) => {
    const result = mapped(payload);
    expect(result.kind === 'message' && validateInboundMessage(result.message)).toBeUndefined();
  });

  it('sends the time in UTC as Genesys writes it', () => {
    const result = mapped(current({ channel: { ...current().channel, time: '2026-01-15T05:33:20.123456+02:00' } }));
    expect(result.kind === 'message' && result.message.channel.time).toBe('2026-01-15T03:33:20.123Z');
  });

  it("uses the WhatsApp message id as the provider's message id when the payload has none", () => {
    const { messageId: _messageId, ...channel } = current().channel;
    const result = mapped(current({ channel }));
    expect(result.kind === 'message' && result.message.channel.messageId).toBe(WAMID);
  });

  it('sends only the essence of a MIME type with parameters (WhatsApp voice notes are audio/ogg; codecs=opus)', () => {
    const voice = { mediaType: 'Audio', url: 'https://media.example.com/v.ogg', mime: 'audio/ogg; codecs=opus' };
    const result = mapped(current({ text: undefined, content: [{ attachment: voice }] }));
    expect(result.kind === 'message' && result.message.content).toEqual([{ attachment: { ...voice, mime: 'audio/ogg' } }]);
  });

  it('leaves out empty optional strings and an empty content list', () => {
    const payload = current({
      content: [],
      channel: { ...current().channel, messageId: '', from: { id: '1', idType: 'Phone', nickname: '', lastName: null }, metadata: {} },
    });
    const result = mapped(payload);
    expect(result.kind === 'message' && result.message).toEqual({
      channel: { messageId: WAMID, from: { id: '1', idType: 'Phone' }, time: '2026-01-15T03:33:20.000Z' },
      text: 'Hello',
    });
  });

  it.each([
    ['not an object', 'text', ['genesysPayload must be an object']],
    ['missing', undefined, ['genesysPayload is required']],
    ['no channel', { text: 'x' }, ['genesysPayload.channel is required']],
    ['neither text nor content', current({ text: undefined }), ['genesysPayload needs text or content']],
    ['an empty text and no content', current({ text: '' }), ['genesysPayload needs text or content']],
    ['an empty content and no text', current({ text: undefined, content: [] }), ['genesysPayload needs text or content']],
    ['a numeric text', current({ text: 5 }), ['genesysPayload.text must be a string']],
    ['an outbound direction', legacy({ direction: 'Outbound' }), ['genesysPayload.direction must be one of: Inbound']],
    ['another type', legacy({ type: 'Event' }), ['genesysPayload.type must be one of: Text, Receipt']],
    [
      'another platform',
      { ...legacy(), channel: { ...legacy().channel, platform: 'Facebook' } },
      ['genesysPayload.channel.platform must be one of: Open'],
    ],
    [
      'another channel type',
      { ...legacy(), channel: { ...legacy().channel, type: 'Public' } },
      ['genesysPayload.channel.type must be one of: Private'],
    ],
    ['a channel.to without id', { ...legacy(), channel: { ...legacy().channel, to: {} } }, ['genesysPayload.channel.to.id is required']],
    ['no sender', current({ channel: { time: '2026-01-15T03:33:20Z' } }), ['genesysPayload.channel.from is required']],
    [
      'a sender without id',
      current({ channel: { ...current().channel, from: { idType: 'Phone' } } }),
      ['genesysPayload.channel.from.id is required'],
    ],
    [
      'an unknown idType',
      current({ channel: { ...current().channel, from: { id: '1', idType: 'WhatsApp' } } }),
      ['genesysPayload.channel.from.idType must be one of: Phone, Email, Opaque'],
    ],
    [
      'a sender id over 256 characters',
      current({ channel: { ...current().channel, from: { id: '1'.repeat(257), idType: 'Phone' } } }),
      ['genesysPayload.channel.from.id must be at most 256 characters long'],
    ],
    ['no time', current({ channel: { from: customer } }), ['genesysPayload.channel.time is required']],
    ['epoch time', current({ channel: { ...current().channel, time: 1768448000000 } }), ['genesysPayload.channel.time must be a string']],
    [
      'a time without zone',
      current({ channel: { ...current().channel, time: '2026-01-15T03:33:20' } }),
      ['genesysPayload.channel.time must be an ISO-8601 date-time with a zone (Z or ±hh:mm)'],
    ],
    [
      'a day the calendar does not have',
      current({ channel: { ...current().channel, time: '2026-02-30T03:33:20Z' } }),
      ['genesysPayload.channel.time must be an ISO-8601 date-time with a zone (Z or ±hh:mm)'],
    ],
    [
      'custom attributes that are not strings',
      current({ channel: { ...current().channel, metadata: { customAttributes: { a: 1, b: { c: 'd' } } } } }),
      ['genesysPayload.channel.metadata.customAttributes values must be strings'],
    ],
    ['content that is not a list', current({ content: { attachment: image } }), ['genesysPayload.content must be an array']],
    ['a content item without attachment', current({ content: [{}] }), ['genesysPayload.content[0].attachment is required']],
    [
      'another content type',
      current({ content: [{ contentType: 'Button', attachment: image }] }),
      ['genesysPayload.content[0].contentType must be one of: Attachment'],
    ],
    [
      'an unknown media type',
      current({ content: [{ attachment: { ...image, mediaType: 'image' } }] }),
      ['genesysPayload.content[0].attachment.mediaType must be one of: Image, Video, Audio, File, Link'],
    ],
    [
      'a plain http URL',
      current({ content: [{ attachment: { ...image, url: 'http://media.example.com/abc.jpg' } }] }),
      ['genesysPayload.content[0].attachment.url must be an absolute https URL (Genesys fetches it)'],
    ],
    [
      'a relative URL',
      current({ content: [{ attachment: { ...image, url: '/abc.jpg' } }] }),
      ['genesysPayload.content[0].attachment.url must be an absolute https URL (Genesys fetches it)'],
    ],
    [
      'no MIME type',
      current({ content: [{ attachment: { ...image, mime: undefined } }] }),
      ['genesysPayload.content[0].attachment.mime is required'],
    ],
    [
      'a MIME type without subtype',
      current({ content: [{ attachment: { ...image, mime: 'image' } }] }),
      ['genesysPayload.content[0].attachment.mime must be a MIME type (type/subtype)'],
    ],
  ])('refuses a payload with %s', (_name, payload, problems) => {
    expect(problemsOf(payload)).toEqual(problems);
  });

  it('names each bad attachment by its place in the list', () => {
    expect(problemsOf(current({ content: [{ attachment: image }, { attachment: { ...image, url: 'ftp://x' } }] }))).toEqual([
      'genesysPayload.content[1].attachment.url must be an absolute https URL (Genesys fetches it)',
    ]);
  });

  it('never quotes the content of what it refuses', () => {
    const secret = 'XSECRETX';
    const problems = problemsOf({
      ...legacy({ direction: secret, type: secret }),
      channel: {
        platform: secret,
        type: secret,
        to: { id: 7 },
        from: { id: secret.repeat(100), idType: secret },
        time: secret,
        metadata: { customAttributes: { [secret]: 1 } },
      },
      content: [{ contentType: secret, attachment: { mediaType: secret, url: `http://${secret}`, mime: secret } }],
    });
    expect(problems.length).toBeGreaterThan(10);
    expect(problems.join('\n')).not.toContain(secret);
  });
});
