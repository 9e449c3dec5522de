import { inboundEnvelope, inboundReceipt, waitUntil } from '@lib/testing';
import { genesysTenant } from '../sandbox/genesys-sandbox';
import { useGenesysSandbox } from '../sandbox/use-genesys-sandbox';
import { callsOf, metricSum, scrapeMetrics } from './support/genesys-e2e';

const ACME = genesysTenant('mypurecloud.ie');
const IMAGE = { mediaType: 'Image' as const, url: 'https://media.example.com/a.jpg', mime: 'image/jpeg', filename: 'a.jpg', text: 'look' };
const PDF = { mediaType: 'File' as const, url: 'https://media.example.com/b.pdf', mime: 'application/pdf' };

let customerSeq = 0;
const customer = () => `49151${String(++customerSeq).padStart(7, '0')}`;

describe('genesys-api-service delivery (real RabbitMQ, simulated Genesys and tenant service)', () => {
  const sandbox = useGenesysSandbox('gen-delivery', {}, [ACME]);

  /** Publishes an envelope and waits for its correlation event; returns it with what Genesys was sent. */
  async function deliver(envelope: ReturnType<typeof inboundEnvelope>) {
    await sandbox().publish(envelope);
    const event = await sandbox().waitForCorrelation(envelope.metadata.whatsapp_message_id);
    const calls = sandbox()
      .genesys.accepted()
      .filter((call) => (call.body as any).channel.messageId === envelope.metadata.whatsapp_message_id);
    expect(calls).toHaveLength(1);
    return { event, call: calls[0] };
  }

  it('posts a current-shape message to its integration and reports the conversation Genesys put it in', async () => {
    const from = customer();
    const envelope = inboundEnvelope({ tenantId: ACME.tenantId, from, text: 'Hello agent' });
    const { event, call } = await deliver(envelope);
    expect(call.integrationId).toBe(ACME.integrationId);
    expect(call.query.get('prefetchConversationId')).toBe('true');
    expect(call.body).toEqual(envelope.genesysPayload);
    expect(event).toEqual({
      tenantId: ACME.tenantId,
      conversationId: sandbox().genesys.conversationOf(ACME.integrationId, from),
      genesysMessageId: call.messageId,
      integrationId: ACME.integrationId,
      whatsapp_message_id: envelope.metadata.whatsapp_message_id,
      customerId: from,
      status: 'created',
      correlationId: envelope.metadata.correlationId,
      timestamp: expect.any(String),
    });
    expect(event.conversationId).not.toBe(event.genesysMessageId);
  });

  it('threads a customer’s messages into one conversation and another customer into their own', async () => {
    const [jo, kim] = [customer(), customer()];
    const first = await deliver(inboundEnvelope({ tenantId: ACME.tenantId, from: jo }));
    const second = await deliver(inboundEnvelope({ tenantId: ACME.tenantId, from: jo, text: 'again' }));
    const other = await deliver(inboundEnvelope({ tenantId: ACME.tenantId, from: kim }));
    expect(second.event.conversationId).toBe(first.event.conversationId);
    expect(second.event.genesysMessageId).not.toBe(first.event.genesysMessageId);
    expect(other.event.conversationId).not.toBe(first.event.conversationId);
  });

  it('sends the legacy normalized shape as the current request model, without its deprecated fields', async () => {
    const from = { id: customer(), idType: 'Phone' as const, nickname: 'Jo', firstName: 'Jo', lastName: 'Doe' };
    const envelope = inboundEnvelope({ tenantId: ACME.tenantId, legacy: true, integrationId: ACME.integrationId, from, text: 'Hi' });
    const { event, call } = await deliver(envelope);
    const { channel } = envelope.genesysPayload as any;
    expect(call.body).toEqual({ channel: { messageId: channel.messageId, from, time: channel.time }, text: 'Hi' });
    expect(event).toMatchObject({ customerId: from.id, conversationId: sandbox().genesys.conversationOf(ACME.integrationId, from.id) });
  });

  it.each([
    ['current', false],
    ['legacy', true],
  ])('sends the attachments of a %s message as content, with its caption text', async (_shape, legacy) => {
    const attachments = [IMAGE, PDF];
    const envelope = legacy
      ? inboundEnvelope({
          tenantId: ACME.tenantId,
          legacy: true,
          integrationId: ACME.integrationId,
          from: customer(),
          text: 'two files',
          attachments,
        })
      : inboundEnvelope({ tenantId: ACME.tenantId, from: customer(), text: 'two files', attachments });
    const { call } = await deliver(envelope);
    expect(call.body).toMatchObject({ text: 'two files', content: attachments.map((attachment) => ({ attachment })) });
    const stored = sandbox()
      .genesys.messagesFor(ACME.integrationId)
      .find((message) => message.id === call.messageId)!;
    expect(stored.normalized.content).toEqual(attachments.map((attachment) => ({ contentType: 'Attachment', attachment })));
  });

  it('sends an attachment without text, and custom attributes where Genesys reads participant data', async () => {
    const envelope = inboundEnvelope({
      tenantId: ACME.tenantId,
      from: customer(),
      attachments: [IMAGE],
      customAttributes: { orderId: '42' },
    });
    const { call } = await deliver(envelope);
    expect(call.body).not.toHaveProperty('text');
    expect(call.body).toMatchObject({ channel: { metadata: { customAttributes: { orderId: '42' } } }, content: [{ attachment: IMAGE }] });
  });

  describe('receipts of agents’ messages', () => {
    const agentMessageTo = (to: string) =>
      sandbox().genesys.sendAgentMessage({ integrationId: ACME.integrationId, to: { id: to, idType: 'Phone' }, text: 'How can I help?' });

    it.each([
      ['Delivered', 'Delivered', undefined],
      ['WhatsApp’s lower-case delivered', 'delivered', undefined],
      ['Failed with its reasons', 'Failed', [{ code: 'GeneralError', message: 'recipient unavailable' }]],
    ])('posts %s to the receipt endpoint, as a final receipt, and publishes no correlation event', async (_name, status, reasons) => {
      const to = customer();
      const agent = agentMessageTo(to);
      const envelope = inboundReceipt({ tenantId: ACME.tenantId, genesysMessageId: agent.id, customerId: to, status, reasons });
      await sandbox().publish(envelope);
      await waitUntil('the receipt in Genesys', () => sandbox().genesys.receiptsFor(agent.id).length === 1);
      expect(sandbox().genesys.receiptsFor(agent.id)).toEqual([
        {
          id: agent.id,
          channel: { to: { id: to, idType: 'Phone' }, time: envelope.genesysPayload.channel.time },
          status: status === 'Failed' ? 'Failed' : 'Delivered',
          ...(reasons ? { reasons } : {}),
          isFinalReceipt: true,
        },
      ]);
      await waitUntil('the receipt acked', async () => (await sandbox().probe.messageCount('inbound-processed')) === 0);
      expect(sandbox().correlationsOf(envelope.metadata.whatsapp_message_id)).toEqual([]);
    });

    it('drops a Read receipt: acked and counted, never sent to Genesys nor dead-lettered', async () => {
      const to = customer();
      const agent = agentMessageTo(to);
      const dropped = async () =>
        metricSum(await scrapeMetrics(sandbox().app), 'messages_dropped_total', { reason: 'receipt_status_not_accepted' });
      const before = await dropped();
      const receiptCalls = callsOf(sandbox().genesys, ACME, 'receipt').length;
      const envelope = inboundReceipt({ tenantId: ACME.tenantId, genesysMessageId: agent.id, customerId: to, status: 'read' });
      await sandbox().publish(envelope);
      await waitUntil('the drop counted', async () => (await dropped()) === before + 1);
      expect(await sandbox().probe.messageCount('inbound-processed')).toBe(0);
      expect(callsOf(sandbox().genesys, ACME, 'receipt')).toHaveLength(receiptCalls);
      expect(sandbox().genesys.receiptsFor(agent.id)).toEqual([]);
      expect(sandbox().deadLetterOf(envelope.metadata.whatsapp_message_id)).toBeUndefined();
    });
  });
});
