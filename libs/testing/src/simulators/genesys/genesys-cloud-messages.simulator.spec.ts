import { GenesysCloudSimulator } from './genesys-cloud.simulator';
import { answered, GenesysTestClient, inboundMessage } from './genesys-cloud.test-client';

const REGION = 'usw2.pure.cloud' as const;
const ACME = { region: REGION, clientId: 'acme', clientSecret: 'acme-secret', integrations: ['acme-wa', 'acme-wa-2'] };
const GLOBEX = { region: REGION, clientId: 'globex', clientSecret: 'globex-secret', integrations: ['globex-wa'] };
const NO_RECEIVE = { ...ACME, clientId: 'no-receive', permissions: ['conversation:message:view' as const] };
const NO_VIEW = { ...ACME, clientId: 'no-view', permissions: ['conversation:message:receive' as const] };

describe('GenesysCloudSimulator Open Messaging', () => {
  const genesys = new GenesysCloudSimulator();
  const api = new GenesysTestClient(genesys, REGION);
  let acme: string;
  let globex: string;

  beforeAll(async () => {
    await genesys.start();
    [ACME, GLOBEX, NO_RECEIVE, NO_VIEW].forEach((client) => genesys.addClient(client));
    acme = await api.token(ACME.clientId, ACME.clientSecret);
    globex = await api.token(GLOBEX.clientId, GLOBEX.clientSecret);
  });
  afterAll(() => genesys.stop());
  afterEach(() => {
    genesys.detailsLagLookups = 0;
    genesys.ignorePrefetchConversationId = false;
  });

  describe('inbound messages', () => {
    it('answers 200 with the normalized message, its new id and no conversationId unless prefetched', async () => {
      const sent = inboundMessage('15550000001');
      const { status, body, headers } = answered(await api.postMessage(acme, 'acme-wa', sent));
      expect(status).toBe(200);
      expect(body).toEqual({
        id: expect.stringMatching(/^[0-9a-f]{32}$/),
        channel: {
          id: 'acme-wa',
          platform: 'Open',
          type: 'Private',
          messageId: sent.channel.messageId,
          to: { id: 'acme-wa' },
          from: sent.channel.from,
          time: sent.channel.time,
        },
        type: 'Text',
        text: 'Hello',
      });
      expect(headers.get('inin-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(genesys.accepted().at(-1)).toMatchObject({ region: REGION, integrationId: 'acme-wa', clientId: 'acme', messageId: body.id });
    });

    it('echoes attachments as Attachment content', async () => {
      const attachment = { mediaType: 'Image', url: 'https://media.example.com/a.jpg', mime: 'image/jpeg' };
      const { body } = answered(
        await api.postMessage(acme, 'acme-wa', { ...inboundMessage(), text: undefined, content: [{ attachment }] }),
      );
      expect(body.content).toEqual([{ contentType: 'Attachment', attachment }]);
    });

    it('keeps a customer in one conversation per integration until it is closed', async () => {
      const first = answered(await api.postMessage(acme, 'acme-wa', inboundMessage('15550000002'), '?prefetchConversationId=true')).body;
      const second = answered(
        await api.postMessage(acme, 'acme-wa', inboundMessage('15550000002', 'again'), '?prefetchConversationId=true'),
      ).body;
      const otherCustomer = answered(
        await api.postMessage(acme, 'acme-wa', inboundMessage('15550000003'), '?prefetchConversationId=true'),
      ).body;
      const otherIntegration = answered(
        await api.postMessage(acme, 'acme-wa-2', inboundMessage('15550000002'), '?prefetchConversationId=true'),
      ).body;
      expect(first.conversationId).toMatch(/^[0-9a-f-]{36}$/);
      expect(second.conversationId).toBe(first.conversationId);
      expect(second.id).not.toBe(first.id);
      expect(otherCustomer.conversationId).not.toBe(first.conversationId);
      expect(otherIntegration.conversationId).not.toBe(first.conversationId);
      expect(genesys.conversationOf('acme-wa', '15550000002')).toBe(first.conversationId);

      genesys.closeConversation(first.conversationId);
      expect(genesys.conversationOf('acme-wa', '15550000002')).toBeUndefined();
      const afterClose = answered(
        await api.postMessage(acme, 'acme-wa', inboundMessage('15550000002'), '?prefetchConversationId=true'),
      ).body;
      expect(afterClose.conversationId).not.toBe(first.conversationId);
    });

    it('leaves conversationId out with prefetchConversationId=false and refuses a non-boolean', async () => {
      expect(answered(await api.postMessage(acme, 'acme-wa', inboundMessage(), '?prefetchConversationId=false')).body).not.toHaveProperty(
        'conversationId',
      );
      expect(answered(await api.postMessage(acme, 'acme-wa', inboundMessage(), '?prefetchConversationId=yes')).status).toBe(400);
    });

    it('answers as before prefetchConversationId existed while ignorePrefetchConversationId is set', async () => {
      genesys.ignorePrefetchConversationId = true;
      const { status, body } = answered(
        await api.postMessage(acme, 'acme-wa', inboundMessage('15550000004'), '?prefetchConversationId=true'),
      );
      expect(status).toBe(200);
      expect(body).not.toHaveProperty('conversationId');
      expect(answered(await api.details(acme, body.id)).body.conversationId).toBe(genesys.conversationOf('acme-wa', '15550000004'));
    });

    it('keeps the messages of each integration', async () => {
      await api.postMessage(globex, 'globex-wa', inboundMessage('15550000009', 'for globex'));
      expect(genesys.messagesFor('globex-wa').map((message) => [message.customer.id, message.text])).toEqual([
        ['15550000009', 'for globex'],
      ]);
    });

    it('answers a body outside the model with 400 and a Genesys error body, storing nothing', async () => {
      const before = genesys.messagesFor('acme-wa').length;
      const legacy = { ...inboundMessage(), direction: 'Inbound' };
      const { status, body, headers } = answered(await api.postMessage(acme, 'acme-wa', legacy));
      expect(status).toBe(400);
      expect(body).toEqual({
        message: "should NOT have additional properties: 'direction'",
        code: 'bad.request',
        status: 400,
        contextId: headers.get('inin-correlation-id'),
        details: [],
        errors: [],
      });
      expect(genesys.messagesFor('acme-wa')).toHaveLength(before);
    });

    it.each([
      ['malformed JSON', 400, 'bad.request', '{"channel":', 'acme-wa'],
      ['an unknown integration', 404, 'not.found', inboundMessage(), 'nowhere'],
      ["another organization's integration", 404, 'not.found', inboundMessage(), 'globex-wa'],
    ])('answers %s with %d %s', async (_name, status, code, body, integrationId) => {
      const answer = answered(await api.postMessage(acme, integrationId, body));
      expect([answer.status, answer.body.code]).toEqual([status, code]);
    });

    it('answers 415 to a body that is not JSON', async () => {
      const response = await fetch(`${genesys.apiUrl(REGION)}/api/v2/conversations/messages/acme-wa/inbound/open/message`, {
        method: 'POST',
        headers: { authorization: `Bearer ${acme}`, 'content-type': 'text/plain' },
        body: JSON.stringify(inboundMessage()),
      });
      expect(response.status).toBe(415);
    });

    it('answers 403 to a client without conversation:message:receive', async () => {
      const token = await api.token(NO_RECEIVE.clientId, NO_RECEIVE.clientSecret);
      const { status, body } = answered(await api.postMessage(token, 'acme-wa', inboundMessage()));
      expect(status).toBe(403);
      expect(body).toMatchObject({ code: 'missing.permissions', message: expect.stringContaining('conversation:message:receive') });
    });
  });

  describe('message details', () => {
    const post = async (customer: string) => answered(await api.postMessage(acme, 'acme-wa', inboundMessage(customer), '')).body;

    it('answers MessageData with the conversation of a message it created', async () => {
      const message = await post('15550000020');
      const { status, body } = answered(await api.details(acme, message.id));
      expect(status).toBe(200);
      expect(body).toMatchObject({
        id: message.id,
        conversationId: genesys.conversationOf('acme-wa', '15550000020'),
        providerMessageId: message.channel.messageId,
        direction: 'inbound',
        messengerType: 'open',
        status: 'received',
        fromAddress: '15550000020',
        toAddress: 'acme-wa',
      });
    });

    it('answers 404 for the first look-ups while details lag', async () => {
      genesys.detailsLagLookups = 2;
      const message = await post('15550000021');
      const statuses = [];
      for (let i = 0; i < 3; i += 1) statuses.push(answered(await api.details(acme, message.id)).status);
      expect(statuses).toEqual([404, 404, 200]);
    });

    it("answers 404 for an unknown id and for another organization's message", async () => {
      const message = await post('15550000022');
      expect(answered(await api.details(acme, 'f'.repeat(32))).status).toBe(404);
      expect(answered(await api.details(globex, message.id)).status).toBe(404);
    });

    it('answers 403 to a client without conversation:message:view', async () => {
      const message = await post('15550000023');
      const token = await api.token(NO_VIEW.clientId, NO_VIEW.clientSecret);
      const { status, body } = answered(await api.details(token, message.id));
      expect([status, body.message]).toEqual([403, expect.stringContaining('conversation:message:view')]);
    });
  });

  describe('receipts', () => {
    const to = { id: '15550000030', idType: 'Phone' };
    const receipt = (id: string, overrides: Record<string, unknown> = {}) => ({
      id,
      channel: { to, time: '2026-01-15T03:40:00.000Z' },
      status: 'Delivered',
      isFinalReceipt: true,
      ...overrides,
    });

    it("accepts Delivered for an agent's message with 202 and shows it in the message's details", async () => {
      const agent = genesys.sendAgentMessage({ integrationId: 'acme-wa', to, text: 'Hi, how can I help?' });
      const { status, body } = answered(await api.postReceipt(acme, 'acme-wa', receipt(agent.id)));
      expect(status).toBe(202);
      expect(body).toMatchObject({ id: agent.id, type: 'Receipt', status: 'Delivered', isFinalReceipt: true });
      expect(genesys.receiptsFor(agent.id)).toEqual([receipt(agent.id)]);
      const details = answered(await api.details(acme, agent.id)).body;
      expect(details).toMatchObject({ direction: 'outbound', status: 'delivery-success', normalizedReceipts: [receipt(agent.id)] });
    });

    it('accepts Failed with reasons', async () => {
      const agent = genesys.sendAgentMessage({ integrationId: 'acme-wa', to, text: 'Hi' });
      const failed = receipt(agent.id, { status: 'Failed', reasons: [{ code: 'GeneralError', message: 'not delivered' }] });
      expect(answered(await api.postReceipt(acme, 'acme-wa', failed)).status).toBe(202);
      expect(answered(await api.details(acme, agent.id)).body.status).toBe('delivery-failed');
    });

    it('refuses Read with 400', async () => {
      const agent = genesys.sendAgentMessage({ integrationId: 'acme-wa', to, text: 'Hi' });
      const { status, body } = answered(await api.postReceipt(acme, 'acme-wa', receipt(agent.id, { status: 'Read' })));
      expect([status, body.message]).toEqual([400, 'status should be equal to one of the allowed values: Delivered, Failed']);
      expect(genesys.receiptsFor(agent.id)).toEqual([]);
    });

    it.each([
      ['an id Genesys never issued', () => 'f'.repeat(32), 'id should reference an outbound message of this integration'],
      [
        "a customer's inbound message",
        () => genesys.messagesFor('acme-wa')[0].id,
        'id should reference an outbound message of this integration',
      ],
      [
        "another integration's agent message",
        () => genesys.sendAgentMessage({ integrationId: 'acme-wa-2', to, text: 'Hi' }).id,
        'id should reference an outbound message of this integration',
      ],
      [
        'another customer',
        () => genesys.sendAgentMessage({ integrationId: 'acme-wa', to: { id: '15550000031' }, text: 'Hi' }).id,
        'channel.to.id should be the recipient of the referenced message',
      ],
    ])('refuses a receipt for %s with 400', async (_name, id, problem) => {
      const { status, body } = answered(await api.postReceipt(acme, 'acme-wa', receipt(id())));
      expect([status, body.message]).toEqual([400, problem]);
    });

    it('puts the agent message in the customer’s open conversation', async () => {
      const customer = answered(await api.postMessage(acme, 'acme-wa', inboundMessage('15550000032'), '?prefetchConversationId=true')).body;
      const agent = genesys.sendAgentMessage({ integrationId: 'acme-wa', to: { id: '15550000032', idType: 'Phone' }, text: 'Hi' });
      expect(answered(await api.details(acme, agent.id)).body.conversationId).toBe(customer.conversationId);
      expect(agent).toMatchObject({ type: 'Text', direction: 'Outbound', channel: { id: 'acme-wa', to: { id: '15550000032' } } });
    });
  });
});
