import type { DynamicModule, INestApplication, LoggerService } from '@nestjs/common';
import type { QueueDeclaration, WorkQueueTopology } from '@lib/messaging/topology/work-queue-topology';
import type { JsonHttpSimulator } from '../simulators/json-http.simulator';

/** The simulators of the outside APIs a service calls, by name. */
export type SandboxSimulators = Record<string, JsonHttpSimulator>;

/** Where the probe takes what a service emits from. */
export type ProbeSource =
  /** A copy of everything published to `exchange` with a key matching `bindingKey`; the exchange's own queues are left alone. */
  | { exchange: string; bindingKey: string }
  /** Everything that reaches `queue`, consumed by the probe in place of the queue's real reader. */
  | { queue: string };

/** What the sandbox declares when the service runs in another process, so that the probe has something to bind to. */
export interface SandboxTopology {
  /** The service's work queue, its dead-letter queue and its wait queues. */
  workQueue: WorkQueueTopology;
  /** Durable queues the service publishes to through the default exchange (e.g. events for another service). */
  queues?: QueueDeclaration[];
}

/**
 * What a service is, as far as a sandbox needs to run it: the app provides this, the sandbox knows
 * no app. `C` is the service's typed configuration, `S` its simulators, `W` the names of what the
 * probe watches (`sandbox.observed[name]`).
 */
export interface SandboxedService<C, S extends SandboxSimulators, W extends string> {
  /** Creates the simulators the service calls, not yet started; the sandbox starts and stops them. */
  simulators(): S;
  /** The service's settings that point it at the started simulators (URLs, the tokens they accept). */
  env(simulators: S): Record<string, string>;
  /** Reads and validates the service's environment, as the service itself does at start-up. */
  loadConfig(env: Record<string, string>): C;
  /** Makes the simulators agree with the loaded configuration (e.g. serve the API version the service calls). */
  fitSimulators?(simulators: S, config: C): void;
  /** The service's Nest root module. */
  appModule(config: C): DynamicModule;
  /** The logger the service logs with once created (e.g. nestjs-pino's); Nest's own, errors and warnings only, without. */
  appLogger?(app: INestApplication): LoggerService;
  topology(config: C): SandboxTopology;
  /** What the probe collects from start, by name: the service's outcome events, its dead letters. */
  watch: Record<W, ProbeSource>;
}

/** A service's entry point, relative to the repository root: its sources and its build (`npm run build`). */
export interface ServiceEntryPoint {
  source: string;
  built: string;
}
