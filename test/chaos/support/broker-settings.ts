import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The broker settings production runs with (`deploy/rabbitmq-advanced.config`), for the private clusters. */
export const BROKER_ADVANCED_CONFIG = readFileSync(join(__dirname, '../../../deploy/rabbitmq-advanced.config'), 'utf8');

/** How long a killed node stays down before it is started again, as a StatefulSet restarts a lost broker pod. */
export const KILLED_NODE_DOWN_MS = 20_000;
