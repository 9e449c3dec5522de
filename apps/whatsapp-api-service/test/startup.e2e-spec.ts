import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTestVhost, TestVhost } from '@lib/testing';
import { ServiceProcess } from '../sandbox/service-process';

const run = promisify(execFile);
const root = join(__dirname, '../../..');

/** Starts main.ts as its own process, the way the platform does, and returns how it ended. */
async function startService(env: Record<string, string>) {
  const args = ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/whatsapp-api-service/src/main.ts'];
  try {
    await run(process.execPath, args, { cwd: root, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 });
    return { code: 0, stderr: '' };
  } catch (error) {
    const { code, stderr } = error as { code: number; stderr: string };
    return { code, stderr };
  }
}

describe('whatsapp-api-service start-up', () => {
  it('stops with exit code 1 and names every missing or malformed variable', async () => {
    const { code, stderr } = await startService({ PORT: 'http', TENANT_SERVICE_TOKEN: 'secret-value-1' });
    expect(code).toBe(1);
    const line = JSON.parse(stderr.trim().split('\n').pop()!);
    expect(line).toMatchObject({ level: 'fatal', service: 'whatsapp-api-service', event: 'startup_failed' });
    expect(line.msg).toContain('PORT must be an integer number');
    expect(line.msg).toContain('TENANT_SERVICE_URL must be an http(s) URL');
    expect(stderr).not.toContain('secret-value-1');
  });

  it('stops with a clear message when RabbitMQ cannot be reached, without printing the password', async () => {
    const { code, stderr } = await startService({
      RABBITMQ_URL: 'amqp://svc:hunter2@127.0.0.1:1/nowhere',
      TENANT_SERVICE_URL: 'http://127.0.0.1:1',
      TENANT_SERVICE_TOKEN: 't',
      RABBITMQ_CONNECT_TIMEOUT_MS: '1500',
      LOG_LEVEL: 'silent',
    });
    expect(code).toBe(1);
    expect(stderr).toContain('Cannot reach RabbitMQ at amqp://svc:***@127.0.0.1:1/nowhere');
    expect(stderr).not.toContain('hunter2');
  });
});

/**
 * The HTTP host the service binds. All of 127.0.0.0/8 reaches this machine (Linux), so a service bound
 * to every interface answers on 127.0.0.2 as well, and one bound to 127.0.0.1 only does not.
 */
describe('whatsapp-api-service HTTP host', () => {
  let vhost: TestVhost;
  const env = () => ({ RABBITMQ_URL: vhost.url, TENANT_SERVICE_URL: 'http://127.0.0.1:1', TENANT_SERVICE_TOKEN: 't', LOG_LEVEL: 'silent' });
  const answers = (host: string, replica: ServiceProcess) =>
    fetch(`http://${host}:${new URL(replica.url).port}/health/live`).then(
      (response) => response.status,
      (error: Error) => (error.cause as { code?: string } | undefined)?.code ?? error.message,
    );

  beforeAll(async () => {
    vhost = await createTestVhost('startup-http-host');
  });

  afterAll(async () => {
    await vhost?.dispose();
  });

  it('listens on every interface by default', async () => {
    const replica = await ServiceProcess.start(env());
    try {
      expect(await answers('127.0.0.1', replica)).toBe(200);
      expect(await answers('127.0.0.2', replica)).toBe(200);
    } finally {
      await replica.stop();
    }
  });

  it('listens on HTTP_HOST only: bound to 127.0.0.1, nothing answers on 127.0.0.2', async () => {
    const replica = await ServiceProcess.start({ ...env(), HTTP_HOST: '127.0.0.1' });
    try {
      expect(await answers('127.0.0.1', replica)).toBe(200);
      expect(await answers('127.0.0.2', replica)).toBe('ECONNREFUSED');
    } finally {
      await replica.stop();
    }
  });
});
