import { execFile } from 'node:child_process';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** The image's health check against servers bound as HTTP_HOST would bind the service. */
describe('check-health.js (the image HEALTHCHECK)', () => {
  const servers = new Map<string, Server>();
  const portOn = (host: string) => String((servers.get(host)!.address() as AddressInfo).port);

  beforeAll(async () => {
    for (const host of ['0.0.0.0', '127.0.0.2', '::1']) {
      const server = createServer((request, response) => response.writeHead(request.url === '/health/live' ? 200 : 503).end());
      await new Promise<void>((resolve) => server.listen(0, host, resolve));
      servers.set(host, server);
    }
  });

  afterAll(async () => {
    for (const server of servers.values()) await new Promise((resolve) => server.close(resolve));
  });

  const check = (env: Record<string, string>, args: string[] = []) =>
    new Promise<number>((resolve) =>
      execFile(process.execPath, [join(__dirname, 'check-health.js'), ...args], { env }, (error) =>
        resolve(error ? (error.code as number) : 0),
      ),
    );

  it('checks through loopback a service that listens on every interface', async () => {
    expect(await check({ PORT: portOn('0.0.0.0') })).toBe(0);
    expect(await check({ HTTP_HOST: '0.0.0.0', PORT: portOn('0.0.0.0') })).toBe(0);
    expect(await check({ HTTP_HOST: '::', PORT: portOn('0.0.0.0') })).toBe(0);
  });

  it('checks a service bound to one address on that address', async () => {
    expect(await check({ HTTP_HOST: '127.0.0.2', PORT: portOn('127.0.0.2') })).toBe(0);
    expect(await check({ HTTP_HOST: '::1', PORT: portOn('::1') })).toBe(0);
    expect(await check({ PORT: portOn('127.0.0.2') })).toBe(1);
  });

  it('checks the path it is given and fails on a status other than 2xx', async () => {
    expect(await check({ HTTP_HOST: '127.0.0.2', PORT: portOn('127.0.0.2') }, ['/health/ready'])).toBe(1);
    expect(await check({ HTTP_HOST: '127.0.0.2', PORT: portOn('127.0.0.2') }, ['/health/live'])).toBe(0);
  });
});
