import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../net/free-port';

const run = promisify(execFile);
const CTL_TIMEOUT_MS = 90_000;
/** RabbitMQ's default high watermark, restored when the memory alarm is lifted. */
const DEFAULT_WATERMARK = '0.4';

export interface PrivateBrokerNodeOptions {
  /** The node's `advanced.config` (Erlang terms), for settings `rabbitmq.conf` has no key for. */
  advancedConfig?: string;
}

/**
 * A RabbitMQ node of its own on free ports, for tests that stop, restart or block the broker: the
 * shared broker other test runs use is never touched. Needs `rabbitmq-server` and `rabbitmqctl` on
 * the PATH, run as root or as the `rabbitmq` user (the CLI switches to that user, so the node's
 * directory belongs to it). Starting takes a few seconds; `dispose()` always ends the node.
 */
export class PrivateBrokerNode {
  private disposed = false;
  private readonly killOnExit = () => this.killNow();

  private constructor(
    readonly nodeName: string,
    readonly amqpPort: number,
    private readonly dir: string,
    private readonly env: NodeJS.ProcessEnv,
    private pid: number | undefined,
  ) {
    process.once('exit', this.killOnExit);
  }

  /** amqp URL of the node's `/` vhost with the guest user (allowed from loopback only by this node's config). */
  get url(): string {
    return this.vhostUrl('/');
  }

  vhostUrl(vhost: string): string {
    return `amqp://guest:guest@127.0.0.1:${this.amqpPort}/${encodeURIComponent(vhost)}`;
  }

  static async start(options: PrivateBrokerNodeOptions = {}): Promise<PrivateBrokerNode> {
    const [amqpPort, distPort] = [await freePort(), await freePort()];
    const nodeName = `test-${process.pid}-${randomBytes(3).toString('hex')}@localhost`;
    const dir = mkdtempSync(join(tmpdir(), 'private-rabbit-'));
    writeFileSync(join(dir, 'plugins'), '[].\n');
    // The system config pins the shared broker's port; this node reads its own.
    writeFileSync(join(dir, 'rabbitmq.conf'), `listeners.tcp.default = 127.0.0.1:${amqpPort}\nloopback_users = none\n`);
    writeFileSync(join(dir, 'advanced.config'), options.advancedConfig ?? '[].\n');
    await run('chown', ['-R', 'rabbitmq:rabbitmq', dir]).catch(() => undefined);
    const env = {
      ...process.env,
      RABBITMQ_NODENAME: nodeName,
      RABBITMQ_DIST_PORT: String(distPort),
      RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
      RABBITMQ_LOG_BASE: join(dir, 'log'),
      RABBITMQ_PID_FILE: join(dir, 'pid'),
      RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'plugins'),
      RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
      RABBITMQ_ADVANCED_CONFIG_FILE: join(dir, 'advanced.config'),
    };
    const node = new PrivateBrokerNode(nodeName, amqpPort, dir, env, undefined);
    try {
      await node.launch();
      return node;
    } catch (error) {
      node.pid ??= node.readPid();
      await node.dispose();
      throw new Error(`private RabbitMQ node ${nodeName} did not start: ${(error as Error).message}`, { cause: error });
    }
  }

  /** `rabbitmqctl -n <node> -q …args`; resolves to its standard output. */
  async ctl(...args: string[]): Promise<string> {
    const { stdout } = await run('rabbitmqctl', ['-n', this.nodeName, '-q', ...args], { timeout: CTL_TIMEOUT_MS });
    return stdout;
  }

  /** Stops the RabbitMQ application (every client connection drops, the port closes); the Erlang node stays up. */
  async stopApp(): Promise<void> {
    await this.ctl('stop_app');
  }

  async startApp(): Promise<void> {
    await this.ctl('start_app');
    await this.ctl('await_startup');
  }

  /** `kill -9` of the node: no goodbye to clients or to the other nodes of its cluster; `dispose()` still removes its files. */
  kill(): void {
    this.killNow();
  }

  /** Starts a killed node again on its own name, ports and data, as a StatefulSet restarts a lost broker pod. */
  async restart(): Promise<void> {
    if (this.pid !== undefined) throw new Error(`private RabbitMQ node ${this.nodeName} is still running`);
    await this.launch();
  }

  /** Raises (or clears) the memory alarm: while raised, the broker blocks every publishing connection. */
  async setMemoryAlarm(blocked: boolean): Promise<void> {
    await this.ctl('set_vm_memory_high_watermark', blocked ? '0' : DEFAULT_WATERMARK);
  }

  /** A vhost on this node with full permissions for guest; returns its URL. */
  async addVhost(name: string): Promise<string> {
    await this.ctl('add_vhost', name);
    await this.ctl('set_permissions', '-p', name, 'guest', '.*', '.*', '.*');
    return this.vhostUrl(name);
  }

  /** Stops the node whatever state it is in (killing it if it does not stop) and removes its files. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const stopped = await run('rabbitmqctl', ['-n', this.nodeName, '-q', 'stop', join(this.dir, 'pid')], { timeout: 30_000 }).then(
      () => true,
      () => false,
    );
    // `stop <pidfile>` returns once the process is gone; anything else leaves it to a kill.
    if (stopped) this.pid = undefined;
    else this.killNow();
    process.removeListener('exit', this.killOnExit);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async launch(): Promise<void> {
    // A killed node leaves its pid file behind; waiting on it would wait on the dead process.
    rmSync(join(this.dir, 'pid'), { force: true });
    await run('rabbitmq-server', ['-detached'], { env: this.env, timeout: CTL_TIMEOUT_MS });
    await this.ctl('wait', '--timeout', '60', join(this.dir, 'pid'));
    this.pid = this.readPid();
    await this.ctl('await_startup');
  }

  private readPid(): number | undefined {
    try {
      const pid = Number(readFileSync(join(this.dir, 'pid'), 'utf8').trim());
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  private killNow(): void {
    if (this.pid === undefined) return;
    try {
      process.kill(this.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    this.pid = undefined;
  }
}
