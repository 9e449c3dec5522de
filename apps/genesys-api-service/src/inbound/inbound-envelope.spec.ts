import { readJsonBody } from '@lib/delivery';
import { TENANT_ID_PATTERN } from '@lib/messaging';
import { inboundEnvelope, inboundReceipt } from '@lib/testing';
import { validateInboundMessage, validateInboundReceipt } from '@lib/testing/simulators/genesys/open-messaging.validator';
import { InboundEnvelopeChecker, whatsappMessageIdOf } from './inbound-envelope';

const checker = new InboundEnvelopeChecker();
/** What the delivery pipeline does with a body, with this service's checker: read it as JSON, then check it. */
function parse(raw: Buffer) {
  const body = readJsonBody(raw, 16384);
  if (!body.ok)
    return { ok: false as const, reason: body.reason, messageId: body.json === undefined ? undefined : whatsappMessageIdOf(body.json) };
  const checked = checker.check(body.json);
  return checked.ok ? checked : { ...checked, messageId: whatsappMessageIdOf(body.json) };
}
const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));
const TENANT = '3f0b6a2e-8c1d-4e5f-9a7b-0c1d2e3f4a5b';
const INTEGRATION = '7b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d';
const WAMID = 'wamid.HBgLMTY0NjcwNDM1OTUVAgASGBQzQTdCNTg5RjY1MEMxRjVBQTRCNQA=';
const image = { mediaType: 'Image' as const, url: 'https://media.example.com/a.jpg', mime: 'image/jpeg' };

function accepted(value: unknown) {
  const result = parse(bytes(value));
  if (!result.ok) throw new Error(`expected the envelope to be accepted, got: ${result.reason}`);
  return result.envelope;
}

function reasonFor(value: unknown): string {
  const result = parse(Buffer.isBuffer(value) ? value : bytes(value));
  if (result.ok) throw new Error('expected the envelope to be refused');
  return result.reason;
}

const withMetadata = (fields: Record<string, unknown>) => {
  const envelope = inboundEnvelope({ tenantId: TENANT });
  return { ...envelope, metadata: { ...envelope.metadata, ...fields } };
};

describe(InboundEnvelopeChecker.name, () => {
  it('accepts a text message and keeps the metadata it knows', () => {
    const envelope = inboundEnvelope({ tenantId: TENANT, whatsappMessageId: WAMID, from: '919876543210', retryCount: 2 });
    const checked = accepted({ ...envelope, metadata: { ...envelope.metadata, priority: 'high' } });
    expect(checked).toEqual({
      metadata: envelope.metadata,
      kind: 'message',
      messageType: 'text',
      payloadShape: 'current',
      customerId: '919876543210',
      message: envelope.genesysPayload,
    });
  });

  it.each([
    ['a current text', inboundEnvelope({ tenantId: TENANT })],
    ['a current attachment', inboundEnvelope({ tenantId: TENANT, attachments: [image], customAttributes: { a: 'b' } })],
    ['a legacy text', inboundEnvelope({ tenantId: TENANT, legacy: true, integrationId: INTEGRATION })],
    [
      'a legacy text and attachment',
      inboundEnvelope({ tenantId: TENANT, legacy: true, integrationId: INTEGRATION, text: 'see', attachments: [image] }),
    ],
  ])('accepts %s and sends Genesys what its endpoint accepts', (_name, envelope) => {
    const checked = accepted(envelope);
    expect(checked.kind).toBe('message');
    expect(checked.kind === 'message' && validateInboundMessage(checked.message)).toBeUndefined();
    expect(TENANT_ID_PATTERN.test(checked.metadata.tenantId)).toBe(true);
  });

  it('names the integration a legacy message was addressed to, for the sender to check', () => {
    expect(accepted(inboundEnvelope({ tenantId: TENANT, legacy: true, integrationId: INTEGRATION }))).toMatchObject({
      payloadShape: 'legacy',
      integrationId: INTEGRATION,
    });
  });

  it('accepts a receipt and sends Genesys what its receipt endpoint accepts', () => {
    const envelope = inboundReceipt({ tenantId: TENANT, customerId: '919876543210', status: 'Failed', reasons: [{ message: 'x' }] });
    const checked = accepted(envelope);
    expect(checked).toMatchObject({ kind: 'receipt', messageType: 'receipt', customerId: '919876543210' });
    expect(checked.kind === 'receipt' && validateInboundReceipt(checked.receipt)).toBeUndefined();
  });

  it('marks a receipt Genesys does not take as one to drop', () => {
    expect(accepted(inboundReceipt({ tenantId: TENANT, status: 'read', integrationId: INTEGRATION }))).toMatchObject({
      kind: 'drop',
      messageType: 'receipt',
      integrationId: INTEGRATION,
      dropReason: 'receipt status Read is not sent: Genesys accepts only Delivered and Failed',
    });
  });

  it('accepts epoch milliseconds and ISO-8601 date-times with a zone as the timestamp', () => {
    for (const timestamp of [1768448000000, '2026-01-15T03:33:20Z', '2026-01-15T05:33:20.5+02:00']) {
      expect(accepted(withMetadata({ timestamp })).metadata.timestamp).toBe(timestamp);
    }
  });

  it.each([
    ['an array', [], 'message body must be a JSON object'],
    ['a string', 'x', 'message body must be a JSON object'],
    ['no metadata', { genesysPayload: inboundEnvelope({ tenantId: TENANT }).genesysPayload }, 'metadata is required'],
    ['metadata that is a list', { ...inboundEnvelope({ tenantId: TENANT }), metadata: [] }, 'metadata must be an object'],
    ['no payload', { metadata: inboundEnvelope({ tenantId: TENANT }).metadata }, 'genesysPayload is required'],
    ['no tenantId', withMetadata({ tenantId: undefined }), 'metadata.tenantId is required'],
    ['a tenantId that is no UUID', withMetadata({ tenantId: 'acme' }), 'metadata.tenantId must be a UUID'],
    ['a tenantId with a routing wildcard', withMetadata({ tenantId: `${TENANT}.#` }), 'metadata.tenantId must be a UUID'],
    ['a numeric tenantId', withMetadata({ tenantId: 42 }), 'metadata.tenantId must be a string'],
    ['no whatsapp_message_id', withMetadata({ whatsapp_message_id: undefined }), 'metadata.whatsapp_message_id is required'],
    [
      'a whatsapp_message_id without the wamid. prefix',
      withMetadata({ whatsapp_message_id: 'HBgLMTY0NjcwNDM1OTUVAgASGBQzQTdC' }),
      'metadata.whatsapp_message_id must be a WhatsApp message id (wamid. and base64 characters)',
    ],
    [
      'a whatsapp_message_id with a space',
      withMetadata({ whatsapp_message_id: 'wamid.abc def' }),
      'metadata.whatsapp_message_id must be a WhatsApp message id (wamid. and base64 characters)',
    ],
    [
      'a whatsapp_message_id that is only the prefix',
      withMetadata({ whatsapp_message_id: 'wamid.' }),
      'metadata.whatsapp_message_id must be a WhatsApp message id (wamid. and base64 characters)',
    ],
    [
      'a whatsapp_message_id over 256 characters',
      withMetadata({ whatsapp_message_id: `wamid.${'A'.repeat(251)}` }),
      'metadata.whatsapp_message_id must be at most 256 characters long',
    ],
    ['no timestamp', withMetadata({ timestamp: undefined }), 'metadata.timestamp is required'],
    [
      'a timestamp of words',
      withMetadata({ timestamp: 'yesterday' }),
      'metadata.timestamp must be an ISO-8601 date-time with a zone or epoch milliseconds',
    ],
    [
      'a date without time',
      withMetadata({ timestamp: '2026-01-15' }),
      'metadata.timestamp must be an ISO-8601 date-time with a zone or epoch milliseconds',
    ],
    [
      'a fractional epoch',
      withMetadata({ timestamp: 1.5 }),
      'metadata.timestamp must be an ISO-8601 date-time with a zone or epoch milliseconds',
    ],
    [
      'a negative epoch',
      withMetadata({ timestamp: -1 }),
      'metadata.timestamp must be an ISO-8601 date-time with a zone or epoch milliseconds',
    ],
    ['no correlationId', withMetadata({ correlationId: undefined }), 'metadata.correlationId is required'],
    [
      'a correlationId over 128 characters',
      withMetadata({ correlationId: 'c'.repeat(129) }),
      'metadata.correlationId must be at most 128 characters long',
    ],
    [
      'a correlationId with a line break',
      withMetadata({ correlationId: 'a\r\nb' }),
      'metadata.correlationId must be visible ASCII characters',
    ],
    ['a negative retryCount', withMetadata({ retryCount: -1 }), 'metadata.retryCount must be a non-negative integer'],
    ['a fractional retryCount', withMetadata({ retryCount: 0.5 }), 'metadata.retryCount must be a non-negative integer'],
    ['a string retryCount', withMetadata({ retryCount: '1' }), 'metadata.retryCount must be a non-negative integer'],
  ])('refuses an envelope with %s', (_name, envelope, reason) => {
    expect(reasonFor(envelope)).toBe(reason);
  });

  it('lists the problems of the metadata and of the payload together', () => {
    const envelope = inboundEnvelope({ tenantId: TENANT });
    expect(
      reasonFor({ metadata: { ...envelope.metadata, tenantId: 'acme' }, genesysPayload: { ...envelope.genesysPayload, text: undefined } }),
    ).toBe('metadata.tenantId must be a UUID; genesysPayload needs text or content');
  });

  it('caps the number of problems it lists', () => {
    const reason = reasonFor({
      metadata: { tenantId: 1, whatsapp_message_id: 2, timestamp: 'x', correlationId: 4, retryCount: 'x' },
      genesysPayload: { channel: {} },
    });
    expect(reason).toBe(
      'metadata.tenantId must be a string; metadata.whatsapp_message_id must be a string; ' +
        'metadata.timestamp must be an ISO-8601 date-time with a zone or epoch milliseconds; metadata.correlationId must be a string; ' +
        'metadata.retryCount must be a non-negative integer; and 3 more',
    );
  });

  it('never quotes message content or metadata values in a reason', () => {
    const secret = 'XSECRETX';
    const reason = reasonFor({
      metadata: {
        tenantId: secret,
        whatsapp_message_id: `wamid.${secret} `,
        timestamp: secret,
        correlationId: `${secret}\n`,
        retryCount: secret,
      },
      genesysPayload: { type: secret, direction: secret, text: 7, channel: { from: { id: secret, idType: secret }, time: secret } },
    });
    expect(reason).not.toContain(secret);
  });

  it('says where a body is not JSON without quoting it', () => {
    const reason = reasonFor(Buffer.from('{"metadata": XSECRETX}'));
    expect(reason).toMatch(/^message body is not JSON: .* at position \d+$/);
    expect(reason).not.toContain('XSECRETX');
  });

  it('refuses prototype-pollution keys before reading fields, and still names the message', () => {
    const envelope = JSON.stringify(inboundEnvelope({ tenantId: TENANT, whatsappMessageId: WAMID }));
    const polluted = envelope.replace('"channel":{', '"channel":{"\\u005f_proto__":{"polluted":true},');
    expect(parse(Buffer.from(polluted))).toEqual({ ok: false, reason: 'message contains a forbidden "__proto__" key', messageId: WAMID });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('names an invalid message by its WhatsApp message id when it can', () => {
    const envelope = inboundEnvelope({ tenantId: TENANT, whatsappMessageId: WAMID });
    expect(parse(bytes({ ...envelope, genesysPayload: {} }))).toMatchObject({ ok: false, messageId: WAMID });
  });
});

describe(whatsappMessageIdOf.name, () => {
  it.each([
    ['a valid id', { metadata: { whatsapp_message_id: WAMID } }, WAMID],
    ['an id without the prefix, which a dead letter should still show', { metadata: { whatsapp_message_id: 'abc' } }, 'abc'],
    ['no metadata', {}, undefined],
    ['metadata that is no object', { metadata: 'wamid.x' }, undefined],
    ['a numeric id', { metadata: { whatsapp_message_id: 7 } }, undefined],
    ['an id over 256 characters', { metadata: { whatsapp_message_id: `wamid.${'A'.repeat(251)}` } }, undefined],
    ['an id with a line break', { metadata: { whatsapp_message_id: 'wamid.a\r\nx-evil: 1' } }, undefined],
    ['an id with a space', { metadata: { whatsapp_message_id: 'wamid.a b' } }, undefined],
    ['no object at all', null, undefined],
  ])('reads %s', (_name, json, id) => {
    expect(whatsappMessageIdOf(json)).toBe(id);
  });
});
