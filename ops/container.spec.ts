import { existsSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { parse } from 'yaml';
import { loadGenesysConfig } from '../apps/genesys-api-service/src/config/genesys.config';
import { loadWhatsappConfig } from '../apps/whatsapp-api-service/src/config/whatsapp.config';
import { opsFilesOf, REPO_ROOT } from './checks/ops-documents';

/**
 * The Dockerfile and docker-compose.yml read as Docker would read them (no daemon is needed): stages,
 * user, health checks, health-based start order, and a service environment the config accepts.
 */
interface ComposeService {
  image?: string;
  build?: { context: string; target?: string; args?: Record<string, string> };
  environment?: Record<string, string>;
  ports?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  profiles?: string[];
  stop_grace_period?: string;
}

const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
const compose: { services: Record<string, ComposeService> } = parse(readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8'));
const services = compose.services;
const applications = Object.entries<{ type: string }>(JSON.parse(readFileSync(join(REPO_ROOT, 'nest-cli.json'), 'utf8')).projects)
  .filter(([, project]) => project.type === 'application')
  .map(([name]) => name);

/** Instructions per stage, keyed by stage name. */
function dockerStages(): Map<string, { base: string; instructions: string[] }> {
  const stages = new Map<string, { base: string; instructions: string[] }>();
  let current: string[] = [];
  for (const line of dockerfile
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))) {
    const from = /^FROM (\S+) AS (\S+)$/i.exec(line);
    if (from) {
      current = [];
      stages.set(from[2], { base: from[1], instructions: current });
    } else current.push(line);
  }
  return stages;
}

/** The image a stage starts from, following stages built on other stages. */
function baseImage(stages: ReturnType<typeof dockerStages>, stage: string): string {
  const base = stages.get(stage)!.base;
  return stages.has(base) ? baseImage(stages, base) : base;
}

/** Where the official Node image keeps its package managers. */
const PACKAGE_MANAGERS = [
  '/usr/local/bin/npm',
  '/usr/local/bin/npx',
  '/usr/local/bin/corepack',
  '/usr/local/lib/node_modules/npm',
  '/usr/local/lib/node_modules/corepack',
];

const seconds = (duration: string) => Number(/^(\d+)s$/.exec(duration)?.[1]);

describe('Dockerfile', () => {
  const stages = dockerStages();
  const runtime = stages.get('runtime')!;
  const last = [...stages.keys()].pop();

  it('runs on a pinned release of an even-numbered Node LTS line, 22 or later, and builds on the same one', () => {
    const image = baseImage(stages, 'runtime');
    const release = /^node:(\d+)\.\d+\.\d+-[a-z]+-slim$/.exec(image);
    expect({ image, pinned: release !== null }).toEqual({ image, pinned: true });
    const major = Number(release![1]);
    expect(major).toBeGreaterThanOrEqual(22);
    expect(major % 2).toBe(0);
    for (const stage of stages.keys()) expect({ stage, image: baseImage(stages, stage) }).toEqual({ stage, image });
  });

  it('builds in stages and ends with a runtime stage that holds production dependencies and the built apps only', () => {
    expect(stages.size).toBeGreaterThan(1);
    expect(last).toBe('runtime');
    expect(stages.get('production-deps')!.instructions).toContainEqual(
      expect.stringMatching(/^RUN npm ci .*--omit=dev .*--ignore-scripts/),
    );
    const copies = runtime.instructions.filter((instruction) => instruction.startsWith('COPY'));
    expect(copies).toEqual([
      'COPY package.json ./',
      'COPY --from=production-deps /app/node_modules ./node_modules',
      'COPY --from=build /app/dist ./dist',
      'COPY ops/container/start-app.js ops/container/check-health.js ./',
    ]);
  });

  it('removes npm, npx and corepack from the runtime stage and runs nothing through them', () => {
    const removals = runtime.instructions.filter((instruction) => instruction.startsWith('RUN rm '));
    expect(removals).toHaveLength(1);
    expect(removals[0]).toMatch(/^RUN rm -rf(\s+\S+)+$/);
    const removed = removals[0].split(/\s+/).slice(3);
    expect(removed).toEqual(expect.arrayContaining(PACKAGE_MANAGERS));
    const others = runtime.instructions.filter((instruction) => instruction !== removals[0]);
    expect(others.filter((instruction) => /\b(npm|npx|corepack|yarn)\b/.test(instruction))).toEqual([]);
    expect(runtime.instructions.filter((instruction) => instruction.startsWith('RUN '))).toEqual(removals);
  });

  it('builds every application of nest-cli.json and runs the one APP names with node itself as PID 1', () => {
    expect(stages.get('build')!.instructions.join('\n')).toMatch(/nest-cli\.json.*project\.type === 'application'.*nest build/);
    expect(runtime.instructions).toContainEqual(expect.stringMatching(/^ARG APP=(\S+)$/));
    expect(applications).toContain(/^ARG APP=(\S+)$/m.exec(runtime.instructions.join('\n'))![1]);
    const cmd = runtime.instructions.filter((instruction) => instruction.startsWith('CMD'));
    expect(cmd).toEqual(['CMD ["node", "start-app.js"]']);
    expect(runtime.instructions).not.toContainEqual(expect.stringMatching(/^ENTRYPOINT/));
  });

  it('runs as a non-root user and checks liveness with node alone', () => {
    for (const stage of ['runtime', 'simulators']) {
      const users = stages.get(stage)!.instructions.filter((instruction) => instruction.startsWith('USER'));
      expect({ stage, user: users.pop() }).toEqual({ stage, user: 'USER node' });
    }
    const healthCheck = runtime.instructions.find((instruction) => instruction.startsWith('HEALTHCHECK'))!;
    expect(healthCheck).toMatch(/ CMD \["node", "check-health.js", "\/health\/live"\]$/);
  });
});

/** Each egress app of the stack: its config as the app reads it, and the simulated vendor URLs it calls. */
const EGRESS_APPS = [
  {
    app: 'whatsapp-api-service',
    load: (env: Record<string, string>) => {
      const config = loadWhatsappConfig(env);
      return { config, vendorUrls: [config.meta.baseUrl], vendorPortVariable: 'META_SIM_PORT' };
    },
  },
  {
    app: 'genesys-api-service',
    load: (env: Record<string, string>) => {
      const config = loadGenesysConfig(env);
      return {
        config,
        vendorUrls: [config.genesys.apiUrlTemplate, config.genesys.loginUrlTemplate],
        vendorPortVariable: 'GENESYS_SIM_PORT',
      };
    },
  },
];

describe('docker-compose.yml', () => {
  it('runs the broker with its management UI, Redis, the simulators and every egress app, each app from the one image', () => {
    expect(services.rabbitmq.image).toMatch(/^rabbitmq:[\d.]+-management/);
    expect(services.rabbitmq.ports).toEqual(expect.arrayContaining(['5672:5672', '15672:15672']));
    expect(services.redis.image).toMatch(/^redis:7/);
    expect(services.simulators.build?.target).toBe('simulators');
    for (const { app } of EGRESS_APPS)
      expect({ app, build: services[app]?.build }).toMatchObject({ app, build: { target: 'runtime', args: { APP: app } } });
    const apps = Object.values(services).filter((definition) => definition.build?.target === 'runtime');
    for (const definition of apps) expect(applications).toContain(definition.build!.args?.APP);
  });

  it('publishes and health-checks every port the simulators listen on: Meta, tenant service and Genesys', () => {
    const { environment, ports, healthcheck } = services.simulators;
    for (const variable of ['META_SIM_PORT', 'TENANT_SIM_PORT', 'GENESYS_SIM_PORT']) {
      const port = environment![variable];
      expect({ variable, port: Number.isInteger(Number(port)) && Number(port) > 0 }).toEqual({ variable, port: true });
      expect(ports).toContain(`${port}:${port}`);
      expect(healthcheck!.test.join(' ')).toContain(String(port));
    }
  });

  it('publishes each host port once across the stack', () => {
    const hostPorts = Object.values(services).flatMap((definition) => (definition.ports ?? []).map((mapping) => mapping.split(':')[0]));
    expect(hostPorts).toEqual([...new Set(hostPorts)]);
  });

  it('gives every service a health check, and starts services only once what they depend on is healthy', () => {
    for (const [name, definition] of Object.entries(services)) {
      expect({ name, healthcheck: Array.isArray(definition.healthcheck?.test) }).toEqual({ name, healthcheck: true });
      for (const [dependency, { condition }] of Object.entries(definition.depends_on ?? {})) {
        expect({ name, dependency, exists: dependency in services, condition }).toEqual({
          name,
          dependency,
          exists: true,
          condition: 'service_healthy',
        });
      }
    }
  });

  it('builds only from stages of the Dockerfile', () => {
    const stages = dockerStages();
    for (const [name, definition] of Object.entries(services)) {
      if (definition.build) expect({ name, stage: stages.has(definition.build.target ?? '') }).toEqual({ name, stage: true });
    }
  });

  it.each(EGRESS_APPS)(
    "starts $app with an environment its config accepts, pointing at the stack's own broker, Redis and simulators",
    ({ app, load }) => {
      const service = services[app];
      const { config, vendorUrls, vendorPortVariable } = load(service.environment!);
      const simulators = services.simulators.environment!;
      expect(config.rabbitmq.urls.map((url) => new URL(url).hostname)).toEqual(['rabbitmq']);
      expect(new URL(config.sharedState.redisUrl!).hostname).toBe('redis');
      expect(new URL(config.tenantService.url)).toMatchObject({ hostname: 'simulators', port: simulators.TENANT_SIM_PORT });
      for (const url of vendorUrls) expect(new URL(url)).toMatchObject({ hostname: 'simulators', port: simulators[vendorPortVariable] });
      expect(config.tenantService.token).toBe(simulators.TENANT_SERVICE_TOKEN);
      expect(service.ports).toEqual([expect.stringMatching(new RegExp(`^\\d+:${config.http.port}$`))]);
      // The published port reaches the container's own interface, not its loopback.
      expect(config.http.host).toBe('0.0.0.0');
      expect(service.healthcheck!.test).toEqual(['CMD', 'node', 'check-health.js', '/health/ready']);
      expect(seconds(service.stop_grace_period!) * 1000).toBeGreaterThan(config.rabbitmq.shutdownTimeoutMs);
      for (const dependency of ['rabbitmq', 'redis', 'simulators']) expect(service.depends_on).toHaveProperty(dependency);
    },
  );

  it('points the genesys service at the Genesys simulator, every region apart (login and API under the region)', () => {
    const { genesys } = loadGenesysConfig(services['genesys-api-service'].environment!);
    const port = services.simulators.environment!.GENESYS_SIM_PORT;
    expect(genesys.apiUrlTemplate).toBe(`http://simulators:${port}/api/{region}`);
    expect(genesys.loginUrlTemplate).toBe(`http://simulators:${port}/login/{region}`);
  });

  it("mounts into Prometheus every service's alert rules the ops specs check, and scrapes every service", () => {
    const prometheus = services.prometheus;
    expect(prometheus.profiles).toEqual(['monitoring']);
    for (const volume of prometheus.volumes!) expect(existsSync(join(REPO_ROOT, volume.split(':')[0]))).toBe(true);
    const settings = parse(readFileSync(join(REPO_ROOT, 'ops/prometheus/prometheus.yml'), 'utf8'));
    const scraped = settings.scrape_configs.flatMap((job: { static_configs: { targets: string[] }[] }) =>
      job.static_configs.flatMap((target) => target.targets),
    );
    for (const { app } of EGRESS_APPS) {
      const { alertsFile } = opsFilesOf(app);
      const mounted = `/etc/prometheus/${basename(alertsFile)}`;
      expect(prometheus.volumes).toContain(`./${relative(REPO_ROOT, alertsFile)}:${mounted}:ro`);
      expect(settings.rule_files).toContain(mounted);
      expect(scraped).toContain(`${app}:${loadConfigOf(app).http.port}`);
      expect(prometheus.depends_on).toHaveProperty(app);
    }
    expect(settings.rule_files).toHaveLength(EGRESS_APPS.length);
  });
});

function loadConfigOf(app: string) {
  return EGRESS_APPS.find((candidate) => candidate.app === app)!.load(services[app].environment!).config;
}
