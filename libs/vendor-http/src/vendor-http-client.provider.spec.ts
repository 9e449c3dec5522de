import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { MetricFactory, OBSERVABILITY_OPTIONS, TenantLabel, VerifiedTenants } from '@lib/observability';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { register } from 'prom-client';
import { VendorHttpClient } from './vendor-http.client';
import { provideVendorHttpClient } from './vendor-http-client.provider';
import { VendorResponse } from './vendor-http.types';

const GENESYS_HTTP = Symbol('GENESYS_HTTP');
const SETTINGS = Symbol('SETTINGS');

/** Calls while the service drains its consumers, as a message still being handled at shutdown does. */
@Injectable()
class CallDuringDrain implements BeforeApplicationShutdown {
  result?: Promise<VendorResponse>;

  constructor(@Inject(GENESYS_HTTP) private readonly http: VendorHttpClient<'region'>) {}

  beforeApplicationShutdown(): void {
    this.result = this.http.request({ method: 'GET', path: '/api/v2/users/me', labels: { region: 'mypurecloud.ie' } });
  }
}

describe('provideVendorHttpClient', () => {
  let server: Server;
  let calls: number;

  beforeEach(async () => {
    calls = 0;
    server = createServer((_req, res) => {
      calls += 1;
      res.end('{"ok":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    register.clear();
  });

  async function appWith() {
    const moduleRef = await Test.createTestingModule({
      providers: [
        { provide: OBSERVABILITY_OPTIONS, useValue: { serviceName: 'genesys-api-service', version: '0', logLevel: 'silent' } },
        MetricFactory,
        VerifiedTenants,
        TenantLabel,
        { provide: SETTINGS, useValue: { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, timeoutMs: 2000 } },
        provideVendorHttpClient<'region'>({
          provide: GENESYS_HTTP,
          inject: [SETTINGS],
          useFactory: (settings: { baseUrl: string; timeoutMs: number }) => ({
            vendor: 'Genesys Cloud',
            baseUrl: settings.baseUrl,
            timeoutMs: settings.timeoutMs,
            connections: 8,
            userAgent: 'genesys-api-service/0',
            metricPrefix: 'genesys_api',
            labelNames: ['region'],
          }),
        }),
        CallDuringDrain,
      ],
    }).compile();
    return moduleRef.init();
  }

  it("builds a client from the service's own settings, with metrics under the service's prefix", async () => {
    const app = await appWith();
    const http = app.get<VendorHttpClient<'region'>>(GENESYS_HTTP);

    expect(http).toBeInstanceOf(VendorHttpClient);
    expect(await http.request({ method: 'GET', path: '/api/v2/users/me', labels: { region: 'mypurecloud.ie' } })).toMatchObject({
      status: 200,
      body: { ok: true },
    });
    expect(register.getSingleMetric('genesys_api_service_genesys_api_requests_total')).toBeDefined();
    expect(register.getSingleMetric('genesys_api_service_genesys_api_request_duration_seconds')).toBeDefined();
    await app.close();
  });

  it('closes the pool at application shutdown, after the calls of messages still being handled', async () => {
    const app = await appWith();
    const drain = app.get(CallDuringDrain);
    const http = app.get<VendorHttpClient<'region'>>(GENESYS_HTTP);

    await app.close();

    await expect(drain.result).resolves.toMatchObject({ status: 200 });
    expect(calls).toBe(1);
    await expect(http.request({ method: 'GET', path: '/', labels: { region: 'mypurecloud.ie' } })).rejects.toThrow(
      'Genesys Cloud API request failed',
    );
  });
});
