import 'reflect-metadata';
import { DynamicModule, INestApplication, Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { EgressServiceConfig } from '../config/egress-service.config';
import { exitGracefullyOnSignals } from './graceful-shutdown';
import { startupFailureLine } from './startup-failure';

export interface ServiceBootstrap<C extends EgressServiceConfig> {
  /** Named in the start-up failure line, which may come before any configuration exists. */
  serviceName: string;
  /** Reads and validates the environment; throws a `ConfigValidationError` on any problem. */
  loadConfig(env: Record<string, string | undefined>): C;
  appModule(config: C): DynamicModule;
}

/**
 * Starts a service the way the platform runs it: validated configuration, the pino logger, graceful
 * shutdown on SIGTERM / SIGINT, HTTP on HTTP_HOST:PORT. Any start-up error ends the process with exit
 * code 1 and one JSON line on stderr.
 */
export function bootstrapService<C extends EgressServiceConfig>(bootstrap: ServiceBootstrap<C>): void {
  startService(bootstrap).catch((error: unknown) => {
    process.stderr.write(startupFailureLine(bootstrap.serviceName, error));
    process.exit(1);
  });
}

async function startService<C extends EgressServiceConfig>(bootstrap: ServiceBootstrap<C>): Promise<INestApplication> {
  const config = bootstrap.loadConfig(process.env);
  const app = await NestFactory.create(bootstrap.appModule(config), { bufferLogs: true, abortOnError: false });
  app.useLogger(app.get(Logger));
  // A stray rejection is a defect to log, never a reason to drop every in-flight message.
  process.on('unhandledRejection', (reason) => new NestLogger('Process').error({ event: 'unhandled_rejection', reason: String(reason) }));
  exitGracefullyOnSignals(app, config.rabbitmq.shutdownTimeoutMs);
  await app.listen(config.http.port, config.http.host);
  return app;
}
