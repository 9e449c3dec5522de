import 'reflect-metadata';
import { bootstrapService } from '@lib/service';
import { AppModule } from './app.module';
import { loadGenesysConfig, SERVICE_NAME } from './config/genesys.config';

bootstrapService({ serviceName: SERVICE_NAME, loadConfig: loadGenesysConfig, appModule: (config) => AppModule.forRoot(config) });
