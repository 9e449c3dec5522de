import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../net/free-port';
import { waitUntil } from '../rabbitmq/broker-probe';
import { ServiceEntryPoint } from './sandboxed-service';

const REPOSITORY_ROOT = join(__dirname, '../../../..');
/** Every egress service answers readiness here (the service lib's health module). */
const READINESS_PATH = '/health/ready';

export interface ServiceProcessOptions {
  /** Run the entry point's build (after `npm run build`) instead of its sources. */
  built?: boolean;
  /** Options for node itself, before the entry point (e.g. `--cpu-prof`). */
  nodeArgs?: string[];
}

/** A service as a separate process (another replica), from source or built, ready when `start` resolves. */
export class ServiceProcess {
  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
    readonly exited: Promise<number | null>,
    readonly output: () => string,
  ) {}

  /** Starts `entryPoint` with `env` only (and PATH), on a free port, and waits until it answers ready. */
  static async start(
    entryPoint: ServiceEntryPoint,
    env: Record<string, string>,
    options: ServiceProcessOptions = {},
  ): Promise<ServiceProcess> {
    const port = await freePort();
    const args = [
      ...(options.nodeArgs ?? []),
      ...(options.built
        ? [entryPoint.built]
        : ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', entryPoint.source]),
    ];
    const child = spawn(process.execPath, args, {
      cwd: REPOSITORY_ROOT,
      env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const replica = new ServiceProcess(child, `http://127.0.0.1:${port}`, exited, () => output);
    await waitUntil(
      `${entryPoint[options.built ? 'built' : 'source']} to be ready`,
      async () => {
        if (child.exitCode !== null) throw new Error(`replica exited with ${child.exitCode}: ${output}`);
        return fetch(`${replica.url}${READINESS_PATH}`).then(
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
