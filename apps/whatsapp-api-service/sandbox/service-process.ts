import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { waitUntil } from '@lib/testing';

const ROOT = join(__dirname, '../../..');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The service as a separate process (another replica), from source or built. */
export class ServiceProcess {
  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
    readonly exited: Promise<number | null>,
    readonly output: () => string,
  ) {}

  /** `built`: run `dist/apps/whatsapp-api-service/main.js` (after `npm run build`) instead of the sources. */
  static async start(env: Record<string, string>, options: { built?: boolean } = {}): Promise<ServiceProcess> {
    const port = await freePort();
    const entry = options.built
      ? ['dist/apps/whatsapp-api-service/main.js']
      : ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/whatsapp-api-service/src/main.ts'];
    const child = spawn(process.execPath, entry, {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const replica = new ServiceProcess(child, `http://127.0.0.1:${port}`, exited, () => output);
    await waitUntil(
      'the replica to be ready',
      async () => {
        if (child.exitCode !== null) throw new Error(`replica exited with ${child.exitCode}: ${output}`);
        return fetch(`${replica.url}/health/ready`).then(
          (response) => response.ok,
          () => false,
        );
      },
      60_000,
    );
    return replica;
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill(signal);
    return this.exited;
  }
}
