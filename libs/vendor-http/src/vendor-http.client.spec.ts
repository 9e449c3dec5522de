import { MetricFactory, ObservabilityOptions, TenantLabel, VerifiedTenants } from '@lib/observability';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { register } from 'prom-client';
import { VendorHttpClient } from './vendor-http.client';
import { VendorHttpClientOptions } from './vendor-http.options';
import { VendorTransportError } from './vendor-transport.error';

const observability: ObservabilityOptions = { serviceName: 'vendor-spec', version: '0', logLevel: 'silent' };

interface Received {
  method?: string;
  url?: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A client as plain JavaScript sees it: calls the types would refuse reach it too. */
type Untyped = { request(call: Record<string, unknown>): Promise<unknown> };
const untyped = (client: VendorHttpClient<any>) => client as unknown as Untyped;

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A local HTTP server whose answer each test sets; it records what it received. */
class LocalVendor {
  readonly received: Received[] = [];
  handler: Handler = (_req, res) => res.end();
  private readonly server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      this.received.push({ method: req.method, url: req.url, headers: req.headers, body });
      this.handler(req, res);
    });
  });

  get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

describe(VendorHttpClient.name, () => {
  let vendor: LocalVendor;
  let verified: VerifiedTenants;
  let clients: Array<VendorHttpClient<string>>;

  function clientWith<L extends string = never>(overrides: Partial<VendorHttpClientOptions<L>> = {}): VendorHttpClient<L> {
    const client = new VendorHttpClient<L>(
      {
        vendor: 'Acme',
        baseUrl: vendor.origin,
        timeoutMs: 2000,
        connections: 4,
        userAgent: 'spec-service/1.0',
        metricPrefix: 'acme_api',
        ...overrides,
      },
      new MetricFactory(observability),
      new TenantLabel(observability, verified),
    );
    clients.push(client);
    return client;
  }

  async function metricValues(name: string) {
    const metric = await register.getSingleMetric(`vendor_spec_${name}`)!.get();
    // Of a histogram only its count (the calls timed), not its buckets and sum.
    return metric.values.filter((value) => {
      const { metricName } = value as { metricName?: string };
      return metricName === undefined || metricName.endsWith('_count');
    });
  }

  async function transportErrorOf(promise: Promise<unknown>): Promise<VendorTransportError> {
    const error = await promise.then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(VendorTransportError);
    return error as VendorTransportError;
  }

  beforeEach(async () => {
    vendor = await new LocalVendor().start();
    verified = new VerifiedTenants(observability);
    clients = [];
  });

  afterEach(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await vendor.stop();
    register.clear();
  });

  describe('answers', () => {
    it('sends a JSON body with its content type and the user agent, and parses a JSON answer', async () => {
      vendor.handler = (_req, res) => {
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end('{"id":"m-1","ok":true}');
      };

      const response = await clientWith().request({
        method: 'POST',
        path: '/v1/messages',
        headers: { authorization: 'Bearer tok' },
        body: { to: '+4915100000001', text: 'hi' },
      });

      expect(response).toMatchObject({ status: 201, body: { id: 'm-1', ok: true } });
      expect(vendor.received).toEqual([
        expect.objectContaining({
          method: 'POST',
          url: '/v1/messages',
          headers: expect.objectContaining({
            authorization: 'Bearer tok',
            'content-type': 'application/json',
            'user-agent': 'spec-service/1.0',
          }),
          body: '{"to":"+4915100000001","text":"hi"}',
        }),
      ]);
    });

    it('returns a body that is not JSON as its text: an HTML error page of a proxy', async () => {
      vendor.handler = (_req, res) => {
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end('<html>Bad Gateway</html>');
      };

      const response = await clientWith().request({ method: 'GET', path: '/' });

      expect(response).toMatchObject({ status: 502, body: '<html>Bad Gateway</html>' });
    });

    it("returns an empty body as ''", async () => {
      vendor.handler = (_req, res) => {
        res.writeHead(204);
        res.end();
      };

      expect(await clientWith().request({ method: 'DELETE', path: '/x' })).toMatchObject({ status: 204, body: '' });
    });

    it('returns the response headers, names in lower case, a repeated one as an array', async () => {
      vendor.handler = (_req, res) => {
        res.setHeader('Retry-After', '30');
        res.setHeader('Set-Cookie', ['a=1', 'b=2']);
        res.writeHead(429, { 'Content-Type': 'application/json' });
        res.end('{}');
      };

      const { headers } = await clientWith().request({ method: 'GET', path: '/' });

      expect(headers).toMatchObject({ 'retry-after': '30', 'set-cookie': ['a=1', 'b=2'], 'content-type': 'application/json' });
    });

    it('sends a form as application/x-www-form-urlencoded and a string as is, with the content type the call gives', async () => {
      const client = clientWith();

      await client.request({ method: 'POST', path: '/oauth/token', body: new URLSearchParams({ grant_type: 'client_credentials' }) });
      await client.request({ method: 'POST', path: '/raw', headers: { 'content-type': 'text/plain' }, body: 'plain words' });
      await client.request({ method: 'POST', path: '/json', headers: { 'content-type': 'application/vnd.acme+json' }, body: { a: 1 } });

      expect(vendor.received.map(({ headers, body }) => [headers['content-type'], body])).toEqual([
        ['application/x-www-form-urlencoded', 'grant_type=client_credentials'],
        ['text/plain', 'plain words'],
        ['application/vnd.acme+json', '{"a":1}'],
      ]);
    });

    it('never follows a redirect: a 302 is an answer, and its target is never called', async () => {
      const elsewhere = await new LocalVendor().start();
      vendor.handler = (_req, res) => {
        res.writeHead(302, { location: `${elsewhere.origin}/steal` });
        res.end();
      };

      try {
        const response = await clientWith().request({
          method: 'POST',
          path: '/v1/messages',
          headers: { authorization: 'Bearer tok' },
          body: {},
        });

        expect(response.status).toBe(302);
        expect(response.headers.location).toBe(`${elsewhere.origin}/steal`);
        expect(elsewhere.received).toEqual([]);
      } finally {
        await elsewhere.stop();
      }
    });

    it('calls the full url of each call when the client has no base URL (a host per region)', async () => {
      const client = clientWith({ baseUrl: undefined });

      await client.request({ method: 'GET', url: `${vendor.origin}/api/v2/conversations?x=1` });

      expect(vendor.received.map((call) => call.url)).toEqual(['/api/v2/conversations?x=1']);
    });
  });

  describe('no answer', () => {
    it('throws a timed-out VendorTransportError after the timeout, naming neither headers nor URL', async () => {
      vendor.handler = () => undefined;

      const error = await transportErrorOf(
        clientWith().request({
          method: 'POST',
          path: '/v1/secret-path',
          headers: { authorization: 'Bearer s3cr3t' },
          body: { text: 'private' },
          timeoutMs: 50,
        }),
      );

      expect(error).toMatchObject({
        vendor: 'Acme',
        reason: 'ETIMEDOUT',
        timedOut: true,
        message: 'Acme API request timed out (ETIMEDOUT)',
      });
      expect(JSON.stringify({ ...error, message: error.message, stack: error.stack })).not.toMatch(
        /s3cr3t|private|secret-path|127\.0\.0\.1/,
      );
    });

    it('times out a body that stops coming after the headers', async () => {
      vendor.handler = (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"partial":');
      };

      const error = await transportErrorOf(clientWith({ timeoutMs: 100 }).request({ method: 'GET', path: '/' }));

      expect(error.timedOut).toBe(true);
    });

    it('reports a connection reset by the vendor as not timed out, with its code', async () => {
      vendor.handler = (req) => req.socket.destroy();

      const error = await transportErrorOf(clientWith().request({ method: 'POST', path: '/', body: {} }));

      expect(error.timedOut).toBe(false);
      expect(error.reason).toMatch(/^(ECONNRESET|UND_ERR_SOCKET)$/);
      expect(error.message).toBe(`Acme API request failed (${error.reason})`);
    });

    it('reports a refused connection as ECONNREFUSED', async () => {
      const origin = vendor.origin;
      await vendor.stop();
      vendor = await new LocalVendor().start();

      const error = await transportErrorOf(clientWith({ baseUrl: origin }).request({ method: 'GET', path: '/' }));

      expect(error).toMatchObject({ reason: 'ECONNREFUSED', timedOut: false });
    });

    it("reports a call stopped by the caller's signal as aborted, not timed out", async () => {
      vendor.handler = () => undefined;
      const stop = new AbortController();

      const call = clientWith().request({ method: 'GET', path: '/', signal: stop.signal });
      setTimeout(() => stop.abort(), 20);
      const error = await transportErrorOf(call);

      expect(error).toMatchObject({ reason: 'ABORTED', timedOut: false });
    });

    it('fails calls made after close(), and close() can be called twice', async () => {
      const client = clientWith();
      await client.close();
      await client.close();

      const error = await transportErrorOf(client.request({ method: 'GET', path: '/' }));

      expect(error.timedOut).toBe(false);
      expect(vendor.received).toEqual([]);
    });
  });

  describe('metrics', () => {
    it('counts each call by tenant and status (0: no answer) and times it by tenant', async () => {
      verified.confirm('acme');
      vendor.handler = (req, res) => {
        if (req.url === '/slow') return;
        res.writeHead(req.url === '/bad' ? 400 : 200);
        res.end('{}');
      };
      const client = clientWith();

      await client.request({ method: 'GET', path: '/ok', tenantId: 'acme' });
      await client.request({ method: 'GET', path: '/bad', tenantId: 'acme' });
      await client.request({ method: 'GET', path: '/ok', tenantId: 'not-verified' });
      await transportErrorOf(client.request({ method: 'GET', path: '/slow', tenantId: 'acme', timeoutMs: 30 }));

      expect(await metricValues('acme_api_requests_total')).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ labels: { tenant: 'acme', status_code: '200' }, value: 1 }),
          expect.objectContaining({ labels: { tenant: 'acme', status_code: '400' }, value: 1 }),
          expect.objectContaining({ labels: { tenant: 'unknown', status_code: '200' }, value: 1 }),
          expect.objectContaining({ labels: { tenant: 'acme', status_code: '0' }, value: 1 }),
        ]),
      );
      expect(await metricValues('acme_api_request_duration_seconds')).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ labels: { tenant: 'acme' }, value: 3 }),
          expect.objectContaining({ labels: { tenant: 'unknown' }, value: 1 }),
        ]),
      );
    });

    it("adds the client's own bounded labels, given by each call", async () => {
      vendor.handler = (_req, res) => res.end('{}');
      const client = clientWith<'region'>({ baseUrl: undefined, metricPrefix: 'genesys_api', labelNames: ['region'] });

      await client.request({ method: 'GET', url: `${vendor.origin}/api/v2/x`, labels: { region: 'mypurecloud.ie' } });

      expect(await metricValues('genesys_api_requests_total')).toEqual([
        expect.objectContaining({ labels: { tenant: 'unknown', status_code: '200', region: 'mypurecloud.ie' }, value: 1 }),
      ]);
      expect(await metricValues('genesys_api_request_duration_seconds')).toEqual([
        expect.objectContaining({ labels: { tenant: 'unknown', region: 'mypurecloud.ie' }, value: 1 }),
      ]);
    });

    it('refuses missing, unknown or non-string labels before calling, so an answer is never lost to a metric', async () => {
      const client = untyped(clientWith<'region'>({ metricPrefix: 'genesys_api', labelNames: ['region'] }));
      const plain = untyped(clientWith({ metricPrefix: 'other_api' }));

      await expect(client.request({ method: 'GET', path: '/' })).rejects.toThrow(
        new TypeError('every call of this client needs the labels region'),
      );
      await expect(client.request({ method: 'GET', path: '/', labels: { region: 'ie', pod: 'a' } })).rejects.toThrow(
        "metric label 'pod' is not one of this client's labelNames",
      );
      await expect(client.request({ method: 'GET', path: '/', labels: { region: 1 } })).rejects.toThrow(
        "metric label 'region' needs a string value",
      );
      await expect(plain.request({ method: 'GET', path: '/', labels: { region: 'ie' } })).rejects.toThrow(TypeError);
      expect(vendor.received).toEqual([]);
    });
  });

  describe('configuration and targets', () => {
    it('refuses a path that does not start with / (it could move the call to another host) or is not percent-encoded', async () => {
      const client = untyped(clientWith());

      await expect(client.request({ method: 'GET', path: '@elsewhere.example/x' })).rejects.toThrow(TypeError);
      await expect(client.request({ method: 'GET', path: '/x y\r\nhost: elsewhere.example' })).rejects.toThrow(
        "Acme client: each call needs a percent-encoded path starting with '/'",
      );
      await expect(client.request({ method: 'GET', url: 'https://elsewhere.example/x' })).rejects.toThrow(TypeError);
      expect(vendor.received).toEqual([]);
    });

    it('needs a full http(s) url on each call of a client without base URL', async () => {
      const client = untyped(clientWith({ baseUrl: undefined }));

      await expect(client.request({ method: 'GET', path: '/x' })).rejects.toThrow(
        'Acme client has no base URL: each call needs a full http(s) url',
      );
      await expect(client.request({ method: 'GET', url: 'file:///etc/passwd' })).rejects.toThrow(TypeError);
    });

    it('drops trailing slashes of the base URL and keeps its path prefix', async () => {
      await clientWith({ baseUrl: `${vendor.origin}/api//` }).request({ method: 'GET', path: '/v2/users' });

      expect(vendor.received.map((call) => call.url)).toEqual(['/api/v2/users']);
    });

    it.each([
      [{ baseUrl: 'ftp://vendor.example' }, 'baseUrl must be an http(s) URL'],
      [{ baseUrl: 'https://user:pass@vendor.example' }, 'baseUrl must be an http(s) URL'],
      [{ metricPrefix: 'acme-api' }, "metricPrefix 'acme-api' is not a valid metric name part"],
      [{ labelNames: ['tenant'] }, "label name 'tenant' is set by the client itself"],
      [{ labelNames: ['region', 'region'] }, 'labelNames has a name twice'],
      [{ labelNames: ['__name'] }, "label name '__name' is not a valid metric label"],
    ])('refuses the options %j at construction', (overrides, message) => {
      expect(() => clientWith(overrides as Partial<VendorHttpClientOptions<string>>)).toThrow(message);
    });
  });
});
