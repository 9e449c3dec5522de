import { inboundEnvelope } from '@lib/testing';
import { genesysTenant } from '../sandbox/genesys-sandbox';
import { useGenesysSandbox } from '../sandbox/use-genesys-sandbox';
import { callsOf } from './support/genesys-e2e';

const ACME = genesysTenant('usw2.pure.cloud');

/**
 * The conversation a message landed in, when Genesys's answer does not name it (a deployment that
 * ignores `prefetchConversationId`): looked up in the message's details, which may lag behind the
 * accepted message, and never taken from the answer's `id` (the Genesys message id).
 */
describe('conversationId through the message details (real RabbitMQ, simulated Genesys)', () => {
  const sandbox = useGenesysSandbox('gen-conversation-id', {}, [ACME]);

  beforeEach(() => {
    sandbox().genesys.ignorePrefetchConversationId = true;
  });

  afterEach(() => {
    sandbox().genesys.ignorePrefetchConversationId = false;
    sandbox().genesys.detailsLagLookups = 0;
  });

  it('looks the conversation up while the details answer 404, and reports it', async () => {
    sandbox().genesys.detailsLagLookups = 2;
    const envelope = inboundEnvelope({ tenantId: ACME.tenantId, from: '4915100000001' });
    await sandbox().publish(envelope);
    const event = await sandbox().waitForCorrelation(envelope.metadata.whatsapp_message_id);

    const [accepted] = callsOf(sandbox().genesys, ACME, 'message');
    expect(accepted.status).toBe(200);
    expect(event).toMatchObject({
      genesysMessageId: accepted.messageId,
      conversationId: sandbox().genesys.conversationOf(ACME.integrationId, '4915100000001'),
    });
    expect(event.conversationId).not.toBe(event.genesysMessageId);
    const lookups = callsOf(sandbox().genesys, ACME, 'details');
    expect(lookups.map((call) => [call.path.split('/').at(-2), call.status])).toEqual([
      [accepted.messageId, 404],
      [accepted.messageId, 404],
      [accepted.messageId, 200],
    ]);
  });

  it('reports a null conversationId when the details never resolve, and still sends the message only once', async () => {
    sandbox().genesys.detailsLagLookups = 1000;
    const envelope = inboundEnvelope({ tenantId: ACME.tenantId, from: '4915100000002' });
    const before = callsOf(sandbox().genesys, ACME, 'details').length;
    await sandbox().publish(envelope);
    const event = await sandbox().waitForCorrelation(envelope.metadata.whatsapp_message_id);

    const accepted = callsOf(sandbox().genesys, ACME, 'message').filter(
      (call) => (call.body as any).channel.messageId === envelope.metadata.whatsapp_message_id,
    );
    expect(accepted).toHaveLength(1);
    expect(event).toMatchObject({ status: 'created', genesysMessageId: accepted[0].messageId, conversationId: null });
    const lookups = callsOf(sandbox().genesys, ACME, 'details').slice(before);
    expect(lookups.length).toBeGreaterThan(1);
    expect(lookups.every((call) => call.status === 404)).toBe(true);
  });
});
