import 'reflect-metadata';
import { INestApplication, Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { SERVICE_NAME, WhatsappConfig, loadWhatsappConfig } from './config/whatsapp.config';

/** Extra time, beyond the in-flight drain, for closing connections before the process gives up. */
const CLOSE_GRACE_MS = 10_000;

/** A start-up failure as one JSON line: the logger may not exist yet. */
function reportStartupFailure(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(
    `${JSON.stringify({ level: 'fatal', service: SERVICE_NAME, event: 'startup_failed', time: new Date().toISOString(), msg: message })}\n`,
  );
  process.exit(1);
}

/** SIGTERM / SIGINT: stop consuming, settle in-flight messages, close connections, exit 0 (1 if that hangs). */
function exitGracefullyOnSignals(app: INestApplication, config: WhatsappConfig): void {
  const logger = new NestLogger('Shutdown');
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.log({ event: 'shutdown_started', signal });
    const deadline = setTimeout(() => {
      logger.error({ event: 'shutdown_timed_out' });
      process.exit(1);
    }, config.rabbitmq.shutdownTimeoutMs + CLOSE_GRACE_MS);
    deadline.unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ event: 'shutdown_failed', reason: (error as Error).message });
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

async function bootstrap(): Promise<void> {
  const config = loadWhatsappConfig(process.env);
  const app = await NestFactory.create(AppModule.forRoot(config), { bufferLogs: true, abortOnError: false });
  app.useLogger(app.get(Logger));
  // A stray rejection is a defect to log, never a reason to drop every in-flight message.
  process.on('unhandledRejection', (reason) => new NestLogger('Process').error({ event: 'unhandled_rejection', reason: String(reason) }));
  exitGracefullyOnSignals(app, config);
  await app.listen(config.http.port, config.http.host);
}

bootstrap().catch(reportStartupFailure);
