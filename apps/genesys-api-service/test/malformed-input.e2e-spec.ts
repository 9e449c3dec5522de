import { genesysInboundRoutingKey } from '@lib/contracts';
import { inboundEnvelope, waitUntil } from '@lib/testing';
import { randomUUID } from 'node:crypto';
import { genesysTenant } from '../sandbox/genesys-sandbox';
import { useGenesysSandbox } from '../sandbox/use-genesys-sandbox';

const ACME = genesysTenant('mypurecloud.com.au');
const PLANTED = `PLANTED-${randomUUID()}`;

type Mutate = (envelope: any) => void;

/** Malformed input goes to the dead-letter queue with its reason, unchanged, and never to Genesys. */
describe('genesys-api-service: malformed input (real RabbitMQ, simulated Genesys)', () => {
  const sandbox = useGenesysSandbox('gen-malformed', { env: { MESSAGE_MAX_BYTES: '4096' } }, [ACME]);

  /** Publishes raw bytes with ACME's routing key and returns the dead letter they became. */
  async function deadLetterOf(body: Buffer) {
    const before = sandbox().deadLetters.length;
    await sandbox().probe.publish('genesys-exchange', genesysInboundRoutingKey(ACME.tenantId), body);
    await waitUntil('the dead letter', () => sandbox().deadLetters.length > before);
    const deadLetter = sandbox().deadLetters[before];
    expect(deadLetter.content.equals(body)).toBe(true);
    expect(deadLetter.headers).toMatchObject({ 'x-error-category': 'INVALID_ENVELOPE', 'x-attempts': 0, 'x-tenant-id': ACME.tenantId });
    expect(JSON.stringify(deadLetter.headers)).not.toContain(PLANTED);
    return deadLetter;
  }

  afterEach(() => {
    expect(sandbox().genesys.requests).toEqual([]);
  });

  it.each([
    ['not JSON', Buffer.from(`{"metadata": ${PLANTED}`), /^message body is not JSON: .* at position \d+$/],
    ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), /not valid UTF-8/],
    ['a JSON array', Buffer.from(`["${PLANTED}"]`), /^message body must be a JSON object$/],
    ['larger than MESSAGE_MAX_BYTES', Buffer.from(JSON.stringify({ text: PLANTED.repeat(200) })), /4096/],
  ])('refuses a body that is %s', async (_name, body, reason) => {
    const deadLetter = await deadLetterOf(body);
    expect(deadLetter.headers['x-error-message']).toMatch(reason);
  });

  it.each<[string, Mutate, string]>([
    ['neither text nor content', (e) => delete e.genesysPayload.text, 'genesysPayload needs text or content'],
    ['an outbound direction', (e) => (e.genesysPayload.direction = 'Outbound'), 'genesysPayload.direction must be one of: Inbound'],
    [
      'an attachment without its url',
      (e) => (e.genesysPayload.content = [{ attachment: { mediaType: 'Image', mime: 'image/png' } }]),
      'genesysPayload.content[0].attachment.url is required',
    ],
    [
      'an unknown sender idType',
      (e) => (e.genesysPayload.channel.from.idType = PLANTED),
      'genesysPayload.channel.from.idType must be one of: Phone, Email, Opaque',
    ],
    ['no channel time', (e) => delete e.genesysPayload.channel.time, 'genesysPayload.channel.time is required'],
    [
      'a whatsapp_message_id that is not WhatsApp’s',
      (e) => (e.metadata.whatsapp_message_id = 'msg-1'),
      'metadata.whatsapp_message_id must be a WhatsApp message id (wamid. and base64 characters)',
    ],
    ['no correlationId', (e) => delete e.metadata.correlationId, 'metadata.correlationId is required'],
    [
      'another tenant in the body than in the routing key',
      (e) => (e.metadata.tenantId = randomUUID()),
      "routing key names tenant '%TENANT%' but metadata.tenantId is '%BODY_TENANT%'",
    ],
  ])('refuses an envelope with %s, naming the field', async (_name, mutate, reason) => {
    const envelope: any = inboundEnvelope({ tenantId: ACME.tenantId, text: PLANTED });
    mutate(envelope);
    const deadLetter = await deadLetterOf(Buffer.from(JSON.stringify(envelope)));
    const expected = reason.replace('%TENANT%', ACME.tenantId).replace('%BODY_TENANT%', envelope.metadata.tenantId);
    expect(deadLetter.headers['x-error-message']).toBe(expected);
    expect(deadLetter.headers['x-whatsapp-message-id']).toBe(envelope.metadata.whatsapp_message_id);
  });
});
