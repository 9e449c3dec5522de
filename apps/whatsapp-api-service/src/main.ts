import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { SERVICE_NAME, loadWhatsappConfig } from './config/whatsapp.config';

/** A start-up failure as one JSON line: the logger may not exist yet. */
function reportStartupFailure(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${JSON.stringify({ level: 'fatal', service: SERVICE_NAME, event: 'startup_failed', time: new Date().toISOString(), msg: message })}\n`);
  process.exit(1);
}

async function bootstrap(): Promise<void> {
  const config = loadWhatsappConfig(process.env);
  const app = await NestFactory.create(AppModule.forRoot(config), { bufferLogs: true, abortOnError: false });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.listen(config.http.port, '0.0.0.0');
}

bootstrap().catch(reportStartupFailure);
