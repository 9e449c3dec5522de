import { Logger } from '@nestjs/common';

/** Extra time, beyond the in-flight drain, for closing connections before the process gives up. */
export const CLOSE_GRACE_MS = 10_000;

/** What shutdown needs of the process; the real one in production, a fake in unit specs. */
export interface SignalledProcess {
  on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  exit(code: number): void;
}

/**
 * SIGTERM / SIGINT: stop consuming, settle in-flight messages, close connections, exit 0; exit 1 if
 * closing fails or outlasts `shutdownTimeoutMs` plus a grace. The handlers stay installed: a repeated
 * signal during the drain is ignored instead of killing the process with Node's default action.
 */
export function exitGracefullyOnSignals(
  app: { close(): Promise<void> },
  shutdownTimeoutMs: number,
  host: SignalledProcess = process,
): void {
  const logger = new Logger('Shutdown');
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.log({ event: 'shutdown_started', signal });
    const deadline = setTimeout(() => {
      logger.error({ event: 'shutdown_timed_out' });
      host.exit(1);
    }, shutdownTimeoutMs + CLOSE_GRACE_MS);
    deadline.unref();
    app.close().then(
      () => host.exit(0),
      (error: unknown) => {
        logger.error({ event: 'shutdown_failed', reason: (error as Error).message });
        host.exit(1);
      },
    );
  };
  host.on('SIGTERM', stop);
  host.on('SIGINT', stop);
}
