import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { MetricFactory } from '@lib/observability';
import Redis from 'ioredis';
import { Gauge } from 'prom-client';
import { SHARED_STATE_OPTIONS, SharedStateOptions } from './shared-state.options';

const PROBE_INTERVAL_MS = 500;

/**
 * The one Redis connection of a replica, if `redisUrl` is set. Commands issued in the same tick are
 * auto-pipelined (one write, one read for all of them). Commands fail fast while disconnected
 * (no offline queue), so callers fall back to in-process state at once; the connection keeps
 * reconnecting with backoff. A command that fails on a connection still open degrades it too if a PING
 * sent at once fails as well, until a PING answers (`commandFailed`). The switch to and from
 * degraded mode is logged once each way and exported as `redis_connected` (only when Redis is
 * configured, so a replica without it never alerts).
 */
@Injectable()
export class RedisConnection implements OnApplicationShutdown {
  private readonly logger = new Logger('Redis');
  readonly client?: Redis;
  private ready = false;
  private degradedLogged = false;
  private readonly connected?: Gauge;
  private probe?: NodeJS.Timeout;
  private verifying = false;
  private readonly availableListeners: (() => void)[] = [];
  private readonly fallback: string;

  constructor(@Inject(SHARED_STATE_OPTIONS) options: SharedStateOptions, metrics: MetricFactory) {
    this.fallback =
      options.expectedReplicas > 1
        ? 'no sends until Redis answers (LEDGER_UNAVAILABLE); rate limits per replica'
        : 'in-process state, per-replica guarantees';
    if (!options.redisUrl) return;
    this.connected = metrics.gauge('redis_connected', '1 while shared state is in Redis, 0 while degraded to per-replica state');
    this.connected.set(0);
    this.client = new Redis(options.redisUrl, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      commandTimeout: 1000,
      retryStrategy: (times) => Math.min(100 * 2 ** times, 5000),
      // Every message makes several Redis calls: the ones made in one tick leave in one write.
      enableAutoPipelining: true,
    });
    this.client.on('ready', () => this.markReady());
    this.client.on('error', (error) => this.markDegraded(error.message));
    this.client.on('end', () => this.markDegraded('connection closed'));
  }

  get configured(): boolean {
    return this.client !== undefined;
  }

  /** True while commands can be sent. */
  get available(): boolean {
    return this.ready && this.client?.status === 'ready';
  }

  /** Calls `listener` each time Redis becomes available again, before any command issued after that moment. */
  onAvailable(listener: () => void): void {
    this.availableListeners.push(listener);
  }

  /**
   * Runs `viaRedis` while Redis is available; otherwise, or when it fails (which marks Redis
   * degraded), runs `inMemory`: the one place that decides between shared and per-process state.
   */
  async withFallback<T>(viaRedis: (redis: Redis) => Promise<T>, inMemory: () => T): Promise<T> {
    if (this.client && this.available) {
      try {
        return await viaRedis(this.client);
      } catch (error) {
        this.commandFailed((error as Error).message);
      }
    }
    return inMemory();
  }

  /**
   * Called by users of the connection when a command failed. On a connection still open, the command may have
   * been answered in time while this process was stalled: an event loop blocked past `commandTimeout` (GC, a
   * replica starved of CPU) runs the timeout before it reads the reply. Degrading then would send every
   * message of the next half second to the in-process fallback, which with several replicas defers them all
   * (LEDGER_UNAVAILABLE), and that load starves the process further. So a PING tells the two apart: only one
   * that fails too degrades the connection.
   */
  commandFailed(reason: string): void {
    if (this.client?.status !== 'ready') return this.markDegraded(reason);
    if (!this.ready || this.verifying) return;
    this.verifying = true;
    this.client.ping().then(
      () => {
        this.verifying = false;
        this.logger.warn({ event: 'redis_command_failed', reason, degraded: false });
      },
      (error: Error) => {
        this.verifying = false;
        this.markDegraded(`${reason}; PING: ${error.message}`);
      },
    );
  }

  /** Sends commands to the in-process fallback until Redis answers again. */
  markDegraded(reason: string): void {
    this.ready = false;
    this.connected?.set(0);
    this.probeWhileOpen();
    if (this.degradedLogged) return;
    this.degradedLogged = true;
    this.logger.error({ event: 'redis_unavailable', reason, fallback: this.fallback });
  }

  private markReady(): void {
    clearTimeout(this.probe);
    this.probe = undefined;
    this.ready = true;
    this.connected?.set(1);
    for (const listener of this.availableListeners) listener();
    if (!this.degradedLogged) return;
    this.degradedLogged = false;
    this.logger.log({ event: 'redis_available' });
  }

  /** A closed connection announces its return with `ready`; an open one that failed a command has to be asked. */
  private probeWhileOpen(): void {
    if (this.probe || !this.client) return;
    this.probe = setTimeout(() => {
      this.probe = undefined;
      const client = this.client!;
      if (client.status !== 'ready') return;
      client.ping().then(
        () => this.markReady(),
        (error: Error) => this.markDegraded(error.message),
      );
    }, PROBE_INTERVAL_MS);
    this.probe.unref();
  }

  /** QUIT when connected (lets pending replies arrive); a disconnected client would wait to reconnect first. */
  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.probe);
    if (!this.client) return;
    if (this.client.status !== 'ready') {
      this.client.disconnect();
      return;
    }
    await this.client.quit().catch(() => this.client?.disconnect());
  }
}
