import { GENESYS_INBOUND_QUEUE, WHATSAPP_OUTBOUND_QUEUE, WorkQueueContract } from '@lib/contracts';
import { metricPrefixFor } from '@lib/observability';
import { SERVICE_NAME as GENESYS_SERVICE } from '../../apps/genesys-api-service/src/config/genesys.config';
import { GENESYS_CATEGORIES } from '../../apps/genesys-api-service/src/genesys/genesys-error-categories';
import { SERVICE_NAME as WHATSAPP_SERVICE } from '../../apps/whatsapp-api-service/src/config/whatsapp.config';
import { WHATSAPP_CATEGORIES } from '../../apps/whatsapp-api-service/src/meta/meta-error-categories';
import { opsFilesOf, ServiceOpsFiles } from './ops-documents';

/** A service operators monitor with its own alert rules and dashboard, and what those must agree with. */
export interface MonitoredService {
  name: string;
  /** Every metric of the service starts with it (`whatsapp_api_service_`). */
  prefix: string;
  /** Its alert names start with it (`WhatsappApiService`), so two services' alerts never read alike. */
  alertPrefix: string;
  files: ServiceOpsFiles;
  categories: readonly string[];
  /** Categories that park a message without failing it: error rates leave them out. */
  flowControl: readonly string[];
  queue: WorkQueueContract;
}

const monitored = (name: string, service: Omit<MonitoredService, 'name' | 'prefix' | 'alertPrefix' | 'files'>): MonitoredService => ({
  name,
  prefix: metricPrefixFor(name),
  alertPrefix: name.replace(/(^|-)([a-z])/g, (_, _dash, letter: string) => letter.toUpperCase()),
  files: opsFilesOf(name),
  ...service,
});

export const WHATSAPP_MONITORING = monitored(WHATSAPP_SERVICE, {
  categories: WHATSAPP_CATEGORIES,
  flowControl: [
    'THROTTLED',
    'TENANT_BUSY',
    'TENANT_CIRCUIT_OPEN',
    'CONVERSATION_HELD',
    'DUPLICATE_IN_PROGRESS',
    'LEDGER_UNAVAILABLE',
    'ACCOUNT_ON_HOLD',
  ],
  queue: WHATSAPP_OUTBOUND_QUEUE,
});

export const GENESYS_MONITORING = monitored(GENESYS_SERVICE, {
  categories: GENESYS_CATEGORIES,
  // A tenant paused after a 429 bounces each of its messages as RATE_LIMITED_PAUSE until Retry-After: it has an alert of its own.
  flowControl: [
    'THROTTLED',
    'TENANT_BUSY',
    'CIRCUIT_OPEN',
    'CONVERSATION_HELD',
    'DUPLICATE_IN_PROGRESS',
    'LEDGER_UNAVAILABLE',
    'RATE_LIMITED_PAUSE',
  ],
  queue: GENESYS_INBOUND_QUEUE,
});

export const MONITORED_SERVICES: MonitoredService[] = [WHATSAPP_MONITORING, GENESYS_MONITORING];
