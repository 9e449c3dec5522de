import { outboundEnvelope } from '@lib/testing';
import request from 'supertest';
import { useEgressSandbox } from '../sandbox/use-egress-sandbox';

const ACME = { tenantId: 'acme', phoneNumberId: '106540352242922', accessToken: 'EAAG-acme-token' };

describe('whatsapp-api-service HTTP: health and metrics only', () => {
  const sandbox = useEgressSandbox('wa-http', {}, [ACME]);

  beforeAll(async () => {
    const envelope = outboundEnvelope(ACME);
    await sandbox().publish(envelope);
    await sandbox().waitForStatus(envelope.metadata.internalId);
  });

  const http = () => request(sandbox().app.getHttpServer());

  it('answers liveness without checking dependencies', async () => {
    await http().get('/health/live').expect(200, { status: 'ok' });
  });

  it('reports ready while connected to RabbitMQ', async () => {
    const response = await http().get('/health/ready').expect(200);
    expect(response.body).toMatchObject({ status: 'ok', info: { rabbitmq: { status: 'up' }, tenantService: { status: 'up' } } });
  });

  it('reports the tenant service as degraded, not down, while it is unavailable', async () => {
    sandbox().tenants.mode = 'unavailable';
    await new Promise((resolve) => setTimeout(resolve, 5100));
    const response = await request(sandbox().app.getHttpServer()).get('/health/ready').expect(200);
    sandbox().tenants.mode = 'up';
    expect(response.body.info.tenantService).toMatchObject({ status: 'up', mode: 'degraded', reason: 'error-status', httpStatus: 503 });
    expect(JSON.stringify(response.body)).not.toContain('Service Unavailable');
  });

  it('exports the delivery metrics under the service prefix', async () => {
    const { text } = await http().get('/metrics').expect(200);
    for (const line of [
      'whatsapp_api_service_messages_consumed_total{tenant="acme",type="text"} 1',
      'whatsapp_api_service_messages_sent_total{tenant="acme",type="text"} 1',
      'whatsapp_api_service_meta_api_requests_total{tenant="acme",status_code="200"} 1',
      'whatsapp_api_service_credential_cache_requests_total{result="miss"} 1',
    ]) {
      expect(text).toContain(line);
    }
    expect(text).toContain('whatsapp_api_service_message_processing_duration_seconds_bucket');
    expect(text).toMatch(/whatsapp_api_service_queue_depth\{queue="outbound-processed"\} \d+/);
    expect(text).toMatch(/whatsapp_api_service_queue_depth\{queue="outbound-failed"\} \d+/);
    expect(text).toMatch(/whatsapp_api_service_queue_depth\{queue="outbound-processed.retry.60000ms"\} \d+/);
    expect(text).toContain('whatsapp_api_service_broker_connected 1');
    expect(text).toContain('whatsapp_api_service_process_resident_memory_bytes');
    expect(text).not.toContain(ACME.accessToken);
  });

  it.each(['/', '/messages', '/api/v1/send'])('accepts no input on %s', async (path) => {
    await http().post(path).send({ any: 'thing' }).expect(404);
  });
});
