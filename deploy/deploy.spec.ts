import 'reflect-metadata';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamicModule, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { CLOSE_GRACE_MS, ConfigValidationError } from '@lib/service';
import { PrometheusController } from '@willsoto/nestjs-prometheus';
import { PROMETHEUS_OPTIONS } from '@willsoto/nestjs-prometheus/dist/constants';
import { getMetadataStorage } from 'class-validator';
import { parseAllDocuments } from 'yaml';
import { AppModule as GenesysAppModule } from '../apps/genesys-api-service/src/app.module';
import { GenesysEnv } from '../apps/genesys-api-service/src/config/genesys-env.schema';
import { loadGenesysConfig, SERVICE_NAME as GENESYS_SERVICE } from '../apps/genesys-api-service/src/config/genesys.config';
import { inboundTopology } from '../apps/genesys-api-service/src/inbound/inbound-topology';
import { AppModule as WhatsappAppModule } from '../apps/whatsapp-api-service/src/app.module';
import { WhatsappEnv } from '../apps/whatsapp-api-service/src/config/whatsapp-env.schema';
import { loadWhatsappConfig, SERVICE_NAME as WHATSAPP_SERVICE } from '../apps/whatsapp-api-service/src/config/whatsapp.config';
import { outboundTopology } from '../apps/whatsapp-api-service/src/outbound/outbound-topology';
import { REPO_ROOT } from '../ops/checks/ops-documents';

/**
 * The Kubernetes manifests of deploy/ read as the cluster would read them, against the code: the routes
 * the probes ask for, the port the service listens on, the variables its config reads, its shutdown
 * drain, its work queue, and no secret value in the repository.
 */

const DEPLOY_DIR = __dirname;

type Env = Record<string, string | undefined>;

/** Each deployed service: its env schema, and what its config makes of an environment. */
const SERVICES = [
  {
    name: WHATSAPP_SERVICE,
    envClass: WhatsappEnv,
    start: (env: Env) => {
      const config = loadWhatsappConfig(env);
      return { config, workQueue: outboundTopology(config.retry).queue, appModule: WhatsappAppModule.forRoot(config) };
    },
  },
  {
    name: GENESYS_SERVICE,
    envClass: GenesysEnv,
    start: (env: Env) => {
      const config = loadGenesysConfig(env);
      return { config, workQueue: inboundTopology(config.retry).queue, appModule: GenesysAppModule.forRoot(config) };
    },
  },
];

/** The kinds each service's directory holds, one of each, and the API each is read with. */
const KINDS: Record<string, string> = {
  ConfigMap: 'v1',
  Deployment: 'apps/v1',
  Service: 'v1',
  PodDisruptionBudget: 'policy/v1',
  ScaledObject: 'keda.sh/v1alpha1',
  TriggerAuthentication: 'keda.sh/v1alpha1',
};

/**
 * Set by the manifests ahead of the code: accepted once the config schema reads it or README's
 * configuration tables list it.
 */
const ANNOUNCED_VARIABLES = { RABBITMQ_QUEUE_TYPE: 'quorum' };

/** Variables that carry credentials: only ever from a Secret. */
const CREDENTIAL_VARIABLES = /PASSWORD|TOKEN|SECRET|^RABBITMQ_URL$|^REDIS_URL$/;

/** What the Secret holds in a cluster, to check that the rest of the environment is accepted with it. */
const SECRET_STAND_INS: Record<string, string> = {
  RABBITMQ_URL: 'amqp://egress:password@rabbitmq:5672/egress',
  REDIS_URL: 'redis://:password@redis:6379',
  TENANT_SERVICE_TOKEN: 'token',
};

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: any;
}

interface Probe {
  httpGet?: { path: string; port: number | string };
  periodSeconds?: number;
  failureThreshold?: number;
}

/** Where one variable of a container's environment comes from. */
type EnvSource = { from: 'value'; value: string } | { from: 'configMap'; value: string } | { from: 'secret'; name: string; key: string };

function manifestsOf(service: string): Manifest[] {
  const dir = join(DEPLOY_DIR, service);
  return readdirSync(dir)
    .filter((file) => /\.ya?ml$/.test(file))
    .sort()
    .flatMap((file) => {
      const documents = parseAllDocuments(readFileSync(join(dir, file), 'utf8'));
      if (!Array.isArray(documents)) return [];
      for (const document of documents) {
        if (document.errors.length > 0) throw new Error(`${service}/${file}: ${document.errors.map((error) => error.message).join('; ')}`);
      }
      return documents.map((document) => document.toJS() as Manifest).filter((manifest) => manifest !== null);
    });
}

function only(manifests: Manifest[], kind: string): Manifest {
  const found = manifests.filter((manifest) => manifest.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
  return found[0];
}

/** A container's environment as the kubelet builds it: envFrom first, env over it. */
function environmentOf(manifests: Manifest[], container: any): Map<string, EnvSource> {
  const env = new Map<string, EnvSource>();
  const configMap = (name: string) => {
    const found = manifests.find((manifest) => manifest.kind === 'ConfigMap' && manifest.metadata.name === name);
    if (!found) throw new Error(`the container reads the ConfigMap ${name}, which deploy/ does not define`);
    return found.data as Record<string, string>;
  };
  for (const source of container.envFrom ?? []) {
    if (source.secretRef) throw new Error(`envFrom the Secret ${source.secretRef.name}: name each secret variable with secretKeyRef`);
    for (const [name, value] of Object.entries(configMap(source.configMapRef.name))) env.set(name, { from: 'configMap', value });
  }
  for (const { name, value, valueFrom } of container.env ?? []) {
    if (valueFrom?.secretKeyRef) env.set(name, { from: 'secret', name: valueFrom.secretKeyRef.name, key: valueFrom.secretKeyRef.key });
    else if (valueFrom?.configMapKeyRef)
      env.set(name, { from: 'configMap', value: configMap(valueFrom.configMapKeyRef.name)[valueFrom.configMapKeyRef.key] });
    else if (valueFrom) throw new Error(`${name} comes from ${Object.keys(valueFrom).join(', ')}, which this check cannot read`);
    else env.set(name, { from: 'value', value: String(value) });
  }
  return env;
}

/** The values the service would see, with stand-ins for what the Secret holds. */
function valuesOf(env: Map<string, EnvSource>): Record<string, string> {
  return Object.fromEntries(
    [...env].map(([name, source]) => {
      if (source.from !== 'secret') return [name, source.value];
      if (!(source.key in SECRET_STAND_INS)) throw new Error(`no stand-in for the secret variable ${name}: add one to SECRET_STAND_INS`);
      return [name, SECRET_STAND_INS[source.key]];
    }),
  );
}

/** Every variable an env class reads: its validated properties and those with a default. */
function variablesReadBy(envClass: new () => object): Set<string> {
  const validated = getMetadataStorage()
    .getTargetValidationMetadatas(envClass, '', true, false)
    .map((metadata) => metadata.propertyName);
  return new Set([...validated, ...Object.keys(new envClass())]);
}

/** The variables README's configuration tables list (`| \`NAME\` | default | meaning |`). */
function readmeVariables(): Set<string> {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  return new Set([...readme.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map((match) => match[1]));
}

/** The GET routes of an app module, walked through its imports as Nest would mount them. */
async function getRoutesOf(root: DynamicModule): Promise<Set<string>> {
  const routes = new Set<string>();
  const seen = new Set<unknown>();
  const routePath = (...parts: (string | undefined)[]) =>
    '/' +
    parts
      .map((part) => (part ?? '').replace(/^\/+|\/+$/g, ''))
      .filter(Boolean)
      .join('/');
  const visit = async (entry: unknown): Promise<void> => {
    const module: any = await entry;
    if (!module || seen.has(module)) return;
    seen.add(module);
    const dynamic = typeof module === 'object' && 'module' in module ? module : undefined;
    const type = dynamic ? dynamic.module : module;
    const controllers = [...(Reflect.getMetadata('controllers', type) ?? []), ...(dynamic?.controllers ?? [])];
    const providers: any[] = [...(Reflect.getMetadata('providers', type) ?? []), ...(dynamic?.providers ?? [])];
    for (const controller of controllers) {
      // The metrics controller gets its path from the module's options when the app starts.
      const prometheus = providers.find((provider) => provider?.provide === PROMETHEUS_OPTIONS);
      const base: string | undefined =
        controller === PrometheusController
          ? ((await prometheus?.useFactory?.())?.path ?? '/metrics')
          : Reflect.getMetadata(PATH_METADATA, controller);
      for (const method of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = controller.prototype[method];
        if (typeof handler !== 'function' || Reflect.getMetadata(METHOD_METADATA, handler) !== RequestMethod.GET) continue;
        routes.add(routePath(base, Reflect.getMetadata(PATH_METADATA, handler)));
      }
    }
    for (const imported of [...(Reflect.getMetadata('imports', type) ?? []), ...(dynamic?.imports ?? [])]) await visit(imported);
  };
  await visit(root);
  return routes;
}

/** A container port by number or by name, as a probe or a Service names it. */
function portNumber(container: any, port: number | string): number | undefined {
  if (typeof port === 'number') return port;
  return (container.ports ?? []).find((candidate: { name?: string }) => candidate.name === port)?.containerPort;
}

/** CPU in millicores and memory in bytes, from Kubernetes quantities. */
function quantity(value: string | number): number {
  const match = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(String(value));
  if (!match) throw new Error(`not a quantity this check reads: ${value}`);
  const scale: Record<string, number> = { m: 1, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };
  const number = Number(match[1]);
  return match[2] === undefined ? number : number * scale[match[2]];
}
const millicores = (cpu: string | number) => (/m$/.test(String(cpu)) ? quantity(cpu) : quantity(cpu) * 1000);

/** The labels of a selector the pods lack (`label=value`), or why it selects nothing in particular. */
function unmatchedLabels(labels: Record<string, string> | undefined, selector: Record<string, string> | undefined): string[] {
  if (Object.keys(selector ?? {}).length === 0) return ['an empty selector'];
  return Object.entries(selector!)
    .filter(([label, value]) => labels?.[label] !== value)
    .map(([label, value]) => `${label}=${value}`);
}

/** Every value written into the manifests for a container: its ConfigMaps' data and its literal env values. */
function literalValuesOf(manifests: Manifest[], container: any): [string, string][] {
  const configMaps = manifests.filter((manifest) => manifest.kind === 'ConfigMap');
  return [
    ...configMaps.flatMap((configMap) => Object.entries<string>(configMap.data ?? {})),
    ...(container.env ?? [])
      .filter((entry: { value?: string }) => entry.value !== undefined)
      .map((entry: { name: string; value: string }) => [entry.name, String(entry.value)]),
  ];
}

const applications = Object.entries<{ type: string }>(JSON.parse(readFileSync(join(REPO_ROOT, 'nest-cli.json'), 'utf8')).projects)
  .filter(([, project]) => project.type === 'application')
  .map(([name]) => name);

describe('deploy/', () => {
  it('holds a directory for each egress service and nothing else', () => {
    const directories = readdirSync(DEPLOY_DIR, { withFileTypes: true }).filter((entry) => entry.isDirectory());
    expect(directories.map((entry) => entry.name).sort()).toEqual(SERVICES.map((service) => service.name).sort());
  });
});

describe.each(SERVICES)('deploy/$name', ({ name, envClass, start }) => {
  const manifests = manifestsOf(name);
  const deployment = only(manifests, 'Deployment');
  const pod = deployment.spec.template;
  const container = pod.spec.containers.find((candidate: { name: string }) => candidate.name === name);
  const env = environmentOf(manifests, container);
  const values = valuesOf(env);
  const port = Number(values.PORT);

  it('defines one ConfigMap, Deployment, Service, PodDisruptionBudget, ScaledObject and TriggerAuthentication, named after the service', () => {
    expect(manifests.map((manifest) => manifest.kind).sort()).toEqual(Object.keys(KINDS).sort());
    for (const manifest of manifests) {
      expect({ kind: manifest.kind, apiVersion: manifest.apiVersion }).toEqual({ kind: manifest.kind, apiVersion: KINDS[manifest.kind] });
      expect({ kind: manifest.kind, name: manifest.metadata.name.startsWith(name) }).toEqual({ kind: manifest.kind, name: true });
    }
    expect(container).toBeDefined();
  });

  it("runs the service's app of the image, with an environment its config accepts and Redis shared by the replicas", () => {
    expect(applications).toContain(values.APP);
    expect(values.APP).toBe(name);
    expect(readFileSync(join(REPO_ROOT, 'ops/container/start-app.js'), 'utf8')).toContain('process.env.APP');
    let problems: string[] = [];
    try {
      expect(start(values).config.sharedState.redisUrl).toBeDefined();
    } catch (error) {
      if (!(error instanceof ConfigValidationError)) throw error;
      problems = error.problems;
    }
    expect(problems).toEqual([]);
  });

  it('names only variables the config schema reads (and APP, which the image reads)', () => {
    const read = variablesReadBy(envClass);
    const unread = [...env.keys()].filter((variable) => variable !== 'APP' && !read.has(variable) && !(variable in ANNOUNCED_VARIABLES));
    expect(unread).toEqual([]);
  });

  it.each(Object.entries(ANNOUNCED_VARIABLES))(
    'sets %s to %s, a variable the config schema reads or README documents',
    (variable, value) => {
      expect(values[variable]).toBe(value);
      const known = variablesReadBy(envClass).has(variable) || readmeVariables().has(variable);
      expect({ variable, readByTheSchemaOrInReadme: known }).toEqual({ variable, readByTheSchemaOrInReadme: true });
    },
  );

  it('commits no secret value: credentials come from a Secret through secretKeyRef, by placeholder name only', () => {
    expect(manifests.filter((manifest) => manifest.kind === 'Secret')).toEqual([]);
    const literal = literalValuesOf(manifests, container);
    expect(literal.filter(([variable]) => CREDENTIAL_VARIABLES.test(variable)).map(([variable]) => variable)).toEqual([]);
    const withCredentials = literal.filter(([, value]) => /\/\/[^/\s]*:[^/\s]*@/.test(value));
    expect(withCredentials.map(([variable]) => variable)).toEqual([]);
    for (const variable of Object.keys(SECRET_STAND_INS))
      expect({ variable, ...env.get(variable) }).toMatchObject({ variable, from: 'secret' });
    const secrets = [...env.values()].filter((source) => source.from === 'secret');
    expect(secrets.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(secret).toMatchObject({ name: `${name}-secrets` });
  });

  it('probes /health/live for liveness and start-up and /health/ready for readiness: routes of the app, on PORT', async () => {
    const { config, appModule } = start(values);
    const routes = await getRoutesOf(appModule);
    const probes: Record<string, Probe> = {
      livenessProbe: container.livenessProbe,
      readinessProbe: container.readinessProbe,
      startupProbe: container.startupProbe,
    };
    const expected = { livenessProbe: '/health/live', readinessProbe: '/health/ready', startupProbe: '/health/live' };
    expect(config.http.port).toBe(port);
    for (const [probe, path] of Object.entries(expected)) {
      const httpGet = probes[probe]?.httpGet;
      expect({ probe, path: httpGet?.path, port: httpGet && portNumber(container, httpGet.port) }).toEqual({ probe, path, port });
      expect({ probe, path, route: routes.has(path) }).toEqual({ probe, path, route: true });
    }
  });

  it("gives start-up longer than the broker's connect timeout, after which the process gives up itself", () => {
    const { config } = start(values);
    const startup: Probe = container.startupProbe;
    expect((startup.periodSeconds ?? 10) * (startup.failureThreshold ?? 3) * 1000).toBeGreaterThan(config.rabbitmq.connectTimeoutMs);
  });

  it('outlasts the shutdown drain: terminationGracePeriodSeconds beyond SHUTDOWN_TIMEOUT_MS, set beside it', () => {
    expect(env.get('SHUTDOWN_TIMEOUT_MS')).toMatchObject({ from: 'value' });
    const shutdownTimeoutMs = start(values).config.rabbitmq.shutdownTimeoutMs;
    const graceMs = pod.spec.terminationGracePeriodSeconds * 1000;
    expect(graceMs).toBeGreaterThan(shutdownTimeoutMs);
    // The process exits on its own CLOSE_GRACE_MS after the drain's timeout: the kill signal comes later still.
    expect(graceMs).toBeGreaterThan(shutdownTimeoutMs + CLOSE_GRACE_MS);
  });

  it('serves PORT (health, /metrics) through a Service selecting the pods, and says so to scrapers', async () => {
    const service = only(manifests, 'Service');
    expect({ service: unmatchedLabels(pod.metadata.labels, service.spec.selector) }).toEqual({ service: [] });
    expect(service.spec.ports.map((servicePort: { targetPort: number | string }) => portNumber(container, servicePort.targetPort))).toEqual(
      [port],
    );
    const annotations = pod.metadata.annotations ?? {};
    expect(Number(annotations['prometheus.io/port'])).toBe(port);
    const routes = await getRoutesOf(start(values).appModule);
    expect({ path: annotations['prometheus.io/path'], route: routes.has(annotations['prometheus.io/path']) }).toEqual({
      path: '/metrics',
      route: true,
    });
  });

  it("selects the Deployment's pods with its selector and its PodDisruptionBudget, which lets one replica at a time go", () => {
    const budget = only(manifests, 'PodDisruptionBudget');
    expect({
      deployment: unmatchedLabels(pod.metadata.labels, deployment.spec.selector.matchLabels),
      podDisruptionBudget: unmatchedLabels(pod.metadata.labels, budget.spec.selector.matchLabels),
    }).toEqual({ deployment: [], podDisruptionBudget: [] });
    const { minAvailable, maxUnavailable } = budget.spec;
    const oneAtATime = maxUnavailable === 1 || (minAvailable >= 2 && minAvailable < deployment.spec.replicas);
    expect({ minAvailable, maxUnavailable, oneAtATime }).toEqual({ minAvailable, maxUnavailable, oneAtATime: true });
  });

  it('requests CPU and memory for every container, within its limits', () => {
    for (const each of pod.spec.containers) {
      const { requests, limits } = each.resources ?? {};
      expect({ container: each.name, cpu: requests?.cpu !== undefined, memory: requests?.memory !== undefined }).toEqual({
        container: each.name,
        cpu: true,
        memory: true,
      });
      if (limits?.cpu !== undefined) expect(millicores(limits.cpu)).toBeGreaterThanOrEqual(millicores(requests.cpu));
      if (limits?.memory !== undefined) expect(quantity(limits.memory)).toBeGreaterThanOrEqual(quantity(requests.memory));
    }
  });

  it("scales the Deployment with KEDA on the length of the service's own work queue, from the replicas it expects", () => {
    const scaled = only(manifests, 'ScaledObject');
    const { workQueue } = start(values);
    expect(scaled.spec.scaleTargetRef).toMatchObject({ name: deployment.metadata.name });
    expect([undefined, 'Deployment']).toContain(scaled.spec.scaleTargetRef.kind);
    expect(scaled.spec.minReplicaCount).toBe(deployment.spec.replicas);
    expect(scaled.spec.minReplicaCount).toBe(3);
    expect(Number(values.EXPECTED_REPLICAS)).toBe(scaled.spec.minReplicaCount);
    expect(scaled.spec.maxReplicaCount).toBeGreaterThan(scaled.spec.minReplicaCount);
    expect(scaled.spec.triggers).toHaveLength(1);
    const [trigger] = scaled.spec.triggers;
    expect(trigger).toMatchObject({ type: 'rabbitmq', metadata: { queueName: workQueue, mode: 'QueueLength' } });
    expect(Number(trigger.metadata.value)).toBeGreaterThan(0);
    expect(trigger.metadata.host).toBeUndefined();
  });

  it("lets KEDA read the queue with the service's own broker URL, from the same Secret", () => {
    const [trigger] = only(manifests, 'ScaledObject').spec.triggers;
    const brokerUrl = env.get('RABBITMQ_URL');
    expect(brokerUrl).toMatchObject({ from: 'secret' });
    const authentication = only(manifests, 'TriggerAuthentication');
    expect(trigger.authenticationRef).toEqual({ name: authentication.metadata.name });
    const { name: secret, key } = brokerUrl as { name: string; key: string };
    expect(authentication.spec.secretTargetRef).toEqual([{ parameter: 'host', name: secret, key }]);
  });
});
