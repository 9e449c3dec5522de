import 'reflect-metadata';
import { bootstrapService } from '@lib/service';
import { AppModule } from './app.module';
import { loadWhatsappConfig, SERVICE_NAME } from './config/whatsapp.config';

bootstrapService({ serviceName: SERVICE_NAME, loadConfig: loadWhatsappConfig, appModule: (config) => AppModule.forRoot(config) });
