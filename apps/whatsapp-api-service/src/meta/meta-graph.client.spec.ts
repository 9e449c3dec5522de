import { observabilityForSpec } from '@lib/testing';
import { VerifiedTenants } from '@lib/observability';
import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { register } from 'prom-client';
import { ServiceConfigModule } from '@lib/service';
import { loadWhatsappConfig } from '../config/whatsapp.config';
import { MetaGraphClient } from './meta-graph.client';
import { MetaModule } from './meta.module';

interface Received {
  method?: string;
  url?: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** Sends while the service drains its consumers, as a message still being handled at shutdown does. */
@Injectable()
class SendDuringDrain implements BeforeApplicationShutdown {
  result?: Promise<unknown>;

  constructor(private readonly meta: MetaGraphClient) {}

  beforeApplicationShutdown(): void {
    this.result = this.meta.sendMessage({ tenantId: 'acme', phoneNumberId: '1001', accessToken: 'tok', body: {} });
  }
}

describe(MetaGraphClient.name, () => {
  let server: Server;
  let received: Received[];
  let baseUrl: string;

  beforeEach(async () => {
    received = [];
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push({ method: req.method, url: req.url, headers: req.headers, body });
        res.writeHead(200, { 'content-type': 'application/json', 'x-fb-trace-id': 'AbCd' });
        res.end(JSON.stringify({ messaging_product: 'whatsapp', messages: [{ id: 'wamid.1' }] }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    register.clear();
  });

  async function appWith(providers: Array<typeof SendDuringDrain> = []) {
    const config = loadWhatsappConfig({
      TENANT_SERVICE_URL: 'http://tenants.internal:3000',
      TENANT_SERVICE_TOKEN: 'svc-token',
      META_API_BASE_URL: baseUrl,
      META_API_VERSION: 'v26.0',
    });
    const moduleRef = await Test.createTestingModule({
      imports: [ServiceConfigModule.forRoot(config), observabilityForSpec('whatsapp-api-service'), MetaModule],
      providers,
    }).compile();
    return moduleRef.init();
  }

  it('posts the Cloud API body to /{version}/{phone-number-id}/messages with the tenant token', async () => {
    const app = await appWith();
    const meta = app.get(MetaGraphClient);

    const response = await meta.sendMessage({
      tenantId: 'acme',
      phoneNumberId: '1001/../x',
      accessToken: 'EAAG-tenant-token',
      body: { messaging_product: 'whatsapp', to: '+4915100000001', type: 'text', text: { body: 'hi' } },
    });
    await app.close();

    expect(received).toHaveLength(1);
    const [call] = received;
    expect(call.method).toBe('POST');
    expect(call.url).toBe('/v26.0/1001%2F..%2Fx/messages');
    expect(call.headers).toMatchObject({
      authorization: 'Bearer EAAG-tenant-token',
      'content-type': 'application/json',
      'user-agent': expect.stringMatching(/^whatsapp-api-service\/\d/),
    });
    expect(JSON.parse(call.body)).toEqual({ messaging_product: 'whatsapp', to: '+4915100000001', type: 'text', text: { body: 'hi' } });
    expect(response.status).toBe(200);
    expect(response.headers['x-fb-trace-id']).toBe('AbCd');
    expect(response.body).toEqual({ messaging_product: 'whatsapp', messages: [{ id: 'wamid.1' }] });
  });

  it('counts calls under the metric names the dashboards and alerts read', async () => {
    const app = await appWith();
    app.get(VerifiedTenants).confirm('acme');

    await app.get(MetaGraphClient).sendMessage({ tenantId: 'acme', phoneNumberId: '1001', accessToken: 'tok', body: {} });
    const requests = await register.getSingleMetric('whatsapp_api_service_meta_api_requests_total')!.get();
    const duration = await register.getSingleMetric('whatsapp_api_service_meta_api_request_duration_seconds')!.get();
    await app.close();

    expect(requests.values).toEqual([expect.objectContaining({ labels: { tenant: 'acme', status_code: '200' }, value: 1 })]);
    expect(duration.values).toContainEqual(
      expect.objectContaining({ metricName: expect.stringMatching(/_count$/), labels: { tenant: 'acme' }, value: 1 }),
    );
  });

  it('still sends for a message being handled while the consumers drain at shutdown', async () => {
    const app = await appWith([SendDuringDrain]);
    const drain = app.get(SendDuringDrain);

    await app.close();

    await expect(drain.result).resolves.toMatchObject({ status: 200 });
    expect(received).toHaveLength(1);
  });
});
