import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The broker settings production runs with (`deploy/rabbitmq-advanced.config`), for the private clusters. */
export const BROKER_ADVANCED_CONFIG = readFileSync(join(__dirname, '../../../deploy/rabbitmq-advanced.config'), 'utf8');
