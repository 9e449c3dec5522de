import { outboundEnvelope, WABA_PAYLOAD_SAMPLES } from '@lib/testing';
import { useEgressSandbox } from '../sandbox/use-egress-sandbox';

const ACME = { tenantId: 'acme', phoneNumberId: '106540352242922', accessToken: 'EAAG-acme-token' };

describe('whatsapp-api-service delivery (real RabbitMQ, simulated Meta)', () => {
  const sandbox = useEgressSandbox('wa-delivery', {}, [ACME]);

  it.each(Object.keys(WABA_PAYLOAD_SAMPLES) as Array<keyof typeof WABA_PAYLOAD_SAMPLES>)(
    'forwards a %s payload to Meta unchanged and reports it sent',
    async (kind) => {
      const to = `+4915100${Object.keys(WABA_PAYLOAD_SAMPLES).indexOf(kind)}0001`;
      const wabaPayload = WABA_PAYLOAD_SAMPLES[kind](to);
      // Meta marks as read only a message the number received: the user's message comes first.
      if ('status' in wabaPayload) sandbox().meta.receiveUserMessage(ACME.phoneNumberId, to, { wamid: wabaPayload.message_id });
      const envelope = outboundEnvelope({ ...ACME, wabaPayload });
      await sandbox().publish(envelope);

      const status = await sandbox().waitForStatus(envelope.metadata.internalId);
      const received = sandbox()
        .meta.accepted()
        .find((request) => JSON.stringify(request.body) === JSON.stringify(envelope.wabaPayload));
      expect(received).toBeDefined();
      expect(received!.body).toEqual(envelope.wabaPayload);
      expect(received!.phoneNumberId).toBe(ACME.phoneNumberId);
      expect(received!.version).toBe('v26.0');
      expect(sandbox().meta.apiVersions).toEqual(['v26.0']);
      expect(received!.headers.authorization).toBe(`Bearer ${ACME.accessToken}`);
      expect(received!.headers['content-type']).toMatch(/^application\/json/);
      expect(received!.headers['user-agent']).toMatch(/^whatsapp-api-service\/\d+\.\d+\.\d+$/);
      expect(status).toMatchObject({
        internalId: envelope.metadata.internalId,
        tenantId: ACME.tenantId,
        phoneNumberId: ACME.phoneNumberId,
        correlationId: envelope.metadata.correlationId,
        status: 'sent',
        wamid: kind === 'markAsRead' ? null : received!.wamid,
        recipient: kind === 'markAsRead' ? null : to,
        attempts: 1,
      });
      expect(typeof status.timestamp).toBe('string');
    },
  );
});
