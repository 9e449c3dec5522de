import { inboundEnvelope } from '@lib/testing';
import { genesysTenant } from '../sandbox/genesys-sandbox';
import { useGenesysSandbox } from '../sandbox/use-genesys-sandbox';

const ACME = genesysTenant('mypurecloud.ie');

describe('genesys-api-service delivery (real RabbitMQ, simulated Genesys and tenant service)', () => {
  const sandbox = useGenesysSandbox('gen-delivery', {}, [ACME]);

  it('posts a current-shape message to its integration and reports the conversation Genesys put it in', async () => {
    const envelope = inboundEnvelope({ tenantId: ACME.tenantId, text: 'Hello agent' });
    await sandbox().publish(envelope);
    const event = await sandbox().waitForCorrelation(envelope.metadata.whatsapp_message_id);
    const [call] = sandbox().genesys.accepted();
    expect(call.integrationId).toBe(ACME.integrationId);
    expect(event).toMatchObject({
      tenantId: ACME.tenantId,
      integrationId: ACME.integrationId,
      whatsapp_message_id: envelope.metadata.whatsapp_message_id,
      status: 'created',
      correlationId: envelope.metadata.correlationId,
    });
    expect(event.conversationId).toEqual(expect.any(String));
    expect(event.conversationId).not.toBe(event.genesysMessageId);
  });
});
