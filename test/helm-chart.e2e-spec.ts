import { readFileSync } from 'node:fs';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1';
import type { IService } from 'kubernetes-models/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildConfig, envNameOf, SETTINGS } from '../src/config/settings.js';
import { chartDir, Helm, type Values } from './support/deploy/helm-cli.js';
import {
  isUdp,
  portsOf,
  RenderedChart,
  selects,
  serviceLinkNames,
  validateManifest,
} from './support/deploy/helm-manifests.js';
import { allowedDisruptions } from './support/deploy/helm-disruptions.js';
import { settingsOfContainer } from './support/deploy/helm-orion-settings.js';
import { startOrion } from './support/orion/orion-test-app.js';

// Offline checks of helm/orion: helm lint and helm template (no cluster), every rendered object
// against the Kubernetes OpenAPI schemas, and the chart's settings against the real server.

const NODE_PORT = 30990;
const LB_PORT = 7000;
const HOSTNAME = 'kubernetes.io/hostname';
const RELAY_PORTS = '40000-40999';
const RELAY_HOST = '198.51.100.20';
const USER_TERM = {
  topologyKey: 'topology.kubernetes.io/zone',
  labelSelector: { matchLabels: { app: 'noisy-neighbour' } },
};

/** The value sets rendered once in beforeAll; each test reads the renders it needs. */
const VALUE_SETS = {
  default: {},
  nodePort: { udp: { mode: 'NodePort', service: { nodePort: NODE_PORT } } },
  hostNetwork: { udp: { mode: 'hostNetwork' }, server: { udpPort: 6990 } },
  ingress: { ingress: { enabled: true }, server: { trustProxy: true } },
  serviceMonitor: { serviceMonitor: { enabled: true, labels: { release: 'prometheus' } } },
  networkPolicy: { networkPolicy: { enabled: true } },
  balancerOptions: {
    udp: {
      service: {
        port: LB_PORT,
        annotations: { 'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb' },
        loadBalancerSourceRanges: ['203.0.113.0/24', '198.51.100.0/24'],
      },
    },
  },
  metricsPort: {
    server: { metricsPort: 9464 },
    serviceMonitor: { enabled: true },
    networkPolicy: {
      enabled: true,
      metrics: {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
      },
    },
  },
  mixedProtocol: {
    udp: { service: { includeHttp: true } },
    ingress: { enabled: true },
    serviceMonitor: { enabled: true },
  },
  redisInValues: { server: { redisUrl: 'redis://:s3cret@redis.cache:6379/0' } },
  redisSecret: { redis: { existingSecret: 'orion-redis', existingSecretKey: 'url' } },
  redisReplicas: {
    replicaCount: 3,
    redis: { existingSecret: 'orion-redis', existingSecretKey: 'url' },
  },
  redisReplicasNodePort: {
    replicaCount: 3,
    server: { redisUrl: 'redis://redis.cache:6379' },
    udp: { mode: 'NodePort', service: { nodePort: NODE_PORT } },
  },
  redisReplicasHostNetwork: {
    replicaCount: 2,
    server: { redisUrl: 'redis://redis.cache:6379' },
    udp: { mode: 'hostNetwork' },
    // The user's own affinity, which the chart's anti-affinity must add to, not replace.
    affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [USER_TERM] } },
  },
  customServer: {
    server: {
      host: '0.0.0.0',
      logLevel: 'debug',
      maxClients: 7,
      httpPort: 8080,
      shutdownGraceMs: 45_500,
      replicaTimeoutMs: 2500,
    },
    service: { port: 80 },
  },
  // The relay's ports reach the pod unchanged only on the node's network.
  relay: {
    udp: { mode: 'hostNetwork' },
    server: {
      relayPorts: RELAY_PORTS,
      relayHost: RELAY_HOST,
      relayBytesPerSecond: 131_072,
      relayIdleTimeoutMs: 20_000,
      relayMaxLifetimeMs: 3_600_000,
      relayMaxSessions: 400,
    },
  },
  // Several pods, each relaying on its own node and naming that node's IP.
  relayNodeIP: {
    replicaCount: 2,
    udp: { mode: 'hostNetwork' },
    server: { redisUrl: 'redis://redis.cache:6379', relayPorts: RELAY_PORTS },
    relay: { advertiseNodeIP: true },
  },
} satisfies Record<string, Values>;
type ValueSetName = keyof typeof VALUE_SETS;
const VALUE_SET_NAMES = Object.keys(VALUE_SETS) as ValueSetName[];

const chartDefaults = parse(readFileSync(`${chartDir}/values.yaml`, 'utf8')) as {
  server: Record<string, unknown>;
};

let helm: Helm;
const renders = new Map<ValueSetName, RenderedChart>();
const chart = (name: ValueSetName) => renders.get(name)!;
const settingsOf = (name: ValueSetName) => settingsOfContainer(chart(name).container);

beforeAll(async () => {
  helm = await Helm.prepare();
  for (const name of VALUE_SET_NAMES) {
    renders.set(name, new RenderedChart(await helm.render(VALUE_SETS[name])));
  }
}, 300_000);

afterAll(() => helm?.dispose());

/** The UDP port of the single Service that carries UDP. */
function udpServicePort(rendered: RenderedChart) {
  const [service] = rendered.udpServices;
  return { service, port: portsOf(service).find(isUdp)! };
}

describe('helm lint and schemas', () => {
  it.each(VALUE_SET_NAMES)('helm lint --strict passes with the %s values', async (name) => {
    const lint = await helm.lint(VALUE_SETS[name]);
    expect(lint.stdout + lint.stderr).toContain('0 chart(s) failed');
    expect(lint.ok).toBe(true);
  });

  it.each(VALUE_SET_NAMES)(
    'every object rendered with the %s values is valid for its Kubernetes schema',
    (name) => {
      expect(chart(name).manifests.length).toBeGreaterThan(0);
      for (const manifest of chart(name).manifests) validateManifest(manifest);
    },
  );

  it('a kind the validator has no schema for is an error, not a silent pass', () => {
    const unknown = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } };
    expect(() => validateManifest(unknown)).toThrow(/no schema known/);
  });

  it('values.schema.json rejects a port given as a string', async () => {
    const render = await helm.template({ server: { httpPort: '5980' } });
    expect(render.ok).toBe(false);
    expect(render.stderr).toMatch(/schema/i);
    expect(render.stderr).toContain('httpPort');
  });

  it('values.schema.json rejects a misspelt server setting', async () => {
    const render = await helm.template({ server: { maxClient: 10 } });
    expect(render.ok).toBe(false);
    expect(render.stderr).toMatch(/schema/i);
    expect(render.stderr).toContain('maxClient');
  });
});

describe('server settings', () => {
  it('replicaCount 2 without Redis fails to render, saying to set a Redis URL', async () => {
    const render = await helm.template({ replicaCount: 2 });
    expect(render.ok).toBe(false);
    expect(render.stderr).toMatch(/replicaCount/);
    expect(render.stderr).toContain('server.redisUrl');
    expect(render.stderr).toContain('redis.existingSecret');
  });

  it("values.schema.json rejects a replicaTimeoutMs below the server's minimum of 500", async () => {
    const render = await helm.template({ server: { replicaTimeoutMs: 499 } });
    expect(render.ok).toBe(false);
    expect(render.stderr).toMatch(/schema/i);
    expect(render.stderr).toContain('replicaTimeoutMs');
  });

  it('the values file has a server entry for every Orion setting, and no other', () => {
    expect(Object.keys(chartDefaults.server).sort()).toEqual(SETTINGS.map((s) => s.key).sort());
  });

  it.each(VALUE_SET_NAMES)(
    'with the %s values, every ORION_* variable names a real setting and parses, and the whole validates',
    (name) => {
      const settings = settingsOf(name);
      expect(() => buildConfig(settings)).not.toThrow();
    },
  );

  it('passes every server value of values.yaml to the container', () => {
    const settings = settingsOf('default') as Record<string, unknown>;
    for (const [key, value] of Object.entries(chartDefaults.server)) {
      if (value === null) continue;
      expect(settings[key], key).toEqual(value);
    }
  });

  it('leaves ORION_HOST unset by default, so that the server binds dual-stack where the pod has IPv6', () => {
    const variables = (chart('default').container.env ?? []).map((variable) => variable.name);
    expect(variables).not.toContain('ORION_HOST');
    expect(settingsOf('customServer').host).toBe('0.0.0.0');
  });

  it('passes overridden server values through', () => {
    expect(settingsOf('customServer')).toMatchObject(VALUE_SETS.customServer.server);
    expect(settingsOf('metricsPort').metricsPort).toBe(9464);
  });

  it.each(VALUE_SET_NAMES)(
    'with the %s values, the container ports are the ports the server is given',
    (name) => {
      const settings = buildConfig(settingsOf(name));
      const expected = [
        { containerPort: settings.httpPort, protocol: 'TCP' },
        { containerPort: settings.udpPort, protocol: 'UDP' },
        ...(settings.metricsPort === undefined
          ? []
          : [{ containerPort: settings.metricsPort, protocol: 'TCP' }]),
      ];
      const actual = (chart(name).container.ports ?? []).map((port) => ({
        containerPort: port.containerPort,
        protocol: port.protocol ?? 'TCP',
      }));
      expect(sortPorts(actual)).toEqual(sortPorts(expected));
      // Kubernetes refuses a hostPort other than the containerPort on the node's network.
      for (const port of chart(name).container.ports ?? []) {
        expect(port.hostPort ?? port.containerPort).toBe(port.containerPort);
      }
    },
  );

  it.each(VALUE_SET_NAMES)(
    'with the %s values, Service links are off, since their variables would pose as settings',
    (name) => {
      // Kubernetes would give the pod ORION_UDP_PORT=udp://<ip>:5990 for the orion-udp Service.
      const settingNames = new Set(SETTINGS.map((setting) => envNameOf(setting.key)));
      const collisions = chart(name)
        .services.flatMap(serviceLinkNames)
        .filter((variable) => settingNames.has(variable));
      if (name === 'default') expect(collisions).toContain('ORION_UDP_PORT');
      expect(chart(name).podSpec.enableServiceLinks).toBe(false);
    },
  );

  it('leaves the relay off by default, and passes every relay setting through when given', () => {
    const variables = (chart('default').container.env ?? []).map((variable) => variable.name);
    expect(variables.filter((name) => name.startsWith('ORION_RELAY_'))).toEqual([]);
    expect(buildConfig(settingsOf('default')).relayPorts).toBeUndefined();
    expect(settingsOf('relay')).toMatchObject(VALUE_SETS.relay.server);
    expect(buildConfig(settingsOf('relay'))).toMatchObject(VALUE_SETS.relay.server);
  });

  it.each([
    ['40000'],
    ['40000-'],
    [' 40000-40999'],
    [40_000],
    ['70000-70001'],
    ['0-100'],
    ['40000-65536'],
    ['01024-2000'],
  ])(
    'values.schema.json rejects relayPorts %j, which is not a first-last range of ports 1 to 65535',
    async (relayPorts) => {
      const render = await helm.template({
        udp: { mode: 'hostNetwork' },
        server: { relayPorts, relayHost: RELAY_HOST },
      });
      expect(render.ok).toBe(false);
      expect(render.stderr).toMatch(/schema/i);
      expect(render.stderr).toContain('relayPorts');
    },
  );

  it('gives the pod more time to stop than the server gives its drain', () => {
    for (const name of ['default', 'customServer'] as const) {
      const grace = chart(name).podSpec.terminationGracePeriodSeconds!;
      expect(grace).toBeGreaterThan(buildConfig(settingsOf(name)).shutdownGraceMs / 1000);
    }
  });

  it('refuses a terminationGracePeriodSeconds shorter than the drain', async () => {
    const render = await helm.template({ terminationGracePeriodSeconds: 5 });
    expect(render.ok).toBe(false);
    expect(render.stderr).toMatch(/terminationGracePeriodSeconds/);
  });
});

describe('Redis', () => {
  const redisUrlVariable = (name: ValueSetName) =>
    chart(name).container.env?.find((variable) => variable.name === 'ORION_REDIS_URL');

  it('keeps state in memory by default: no Redis URL, no Secret', () => {
    expect(redisUrlVariable('default')).toBeUndefined();
    expect(chart('default').ofKind('Secret')).toEqual([]);
  });

  it('passes a URL from the values through a Secret of its own, never as a plain value', () => {
    const secret = chart('redisInValues').only<{
      metadata: { name: string };
      stringData: Record<string, string>;
    }>('Secret');
    expect(Object.values(secret.stringData)).toEqual(['redis://:s3cret@redis.cache:6379/0']);
    const variable = redisUrlVariable('redisInValues');
    expect(variable?.value).toBeUndefined();
    expect(variable?.valueFrom?.secretKeyRef).toEqual({
      name: secret.metadata.name,
      key: Object.keys(secret.stringData)[0],
    });
    expect(JSON.stringify(chart('redisInValues').deployment)).not.toContain('s3cret');
  });

  it('reads the URL from an existing Secret when one is named, rendering none itself', () => {
    expect(chart('redisSecret').ofKind('Secret')).toEqual([]);
    expect(redisUrlVariable('redisSecret')?.valueFrom?.secretKeyRef).toEqual({
      name: 'orion-redis',
      key: 'url',
    });
  });

  it.each(['redisInValues', 'redisSecret'] as const)(
    'with the %s values, replicaCount 3 renders a Deployment of 3 replicas',
    async (name) => {
      const rendered = new RenderedChart(
        await helm.render({ ...VALUE_SETS[name], replicaCount: 3 }),
      );
      expect(rendered.deployment.spec!.replicas).toBe(3);
    },
  );

  it('the Helm chart renders a 3-replica deployment with Redis', () => {
    const rendered = chart('redisReplicas');
    for (const manifest of rendered.manifests) validateManifest(manifest);
    const { spec } = rendered.deployment;
    expect(spec!.replicas).toBe(3);
    expect(redisUrlVariable('redisReplicas')?.valueFrom?.secretKeyRef).toEqual({
      name: 'orion-redis',
      key: 'url',
    });
    const timeout = rendered.container.env?.find((v) => v.name === 'ORION_REPLICA_TIMEOUT_MS');
    expect(timeout?.value).toBe(String(chartDefaults.server.replicaTimeoutMs));
    expect(buildConfig(settingsOf('redisReplicas')).replicaTimeoutMs).toBe(10_000);
    expect(spec!.strategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
    });
    const budget = rendered.only<IPodDisruptionBudget>('PodDisruptionBudget');
    expect(selects(budget.spec!.selector!.matchLabels, rendered.podLabels)).toBe(true);
    expect(allowedDisruptions(budget, 3)).toBe(1);
  });

  it('values.schema.json rejects a Redis URL of another scheme', async () => {
    const render = await helm.template({ server: { redisUrl: 'http://redis:6379' } });
    expect(render.ok).toBe(false);
    expect(render.stderr).toMatch(/redisUrl/);
  });
});

describe('updates and disruptions', () => {
  const strategyOf = (name: ValueSetName) => chart(name).deployment.spec!.strategy;

  it.each(['default', 'nodePort', 'hostNetwork', 'customServer'] as const)(
    'with the %s values (no Redis), updates Recreate: the old pod stops before the new one starts',
    (name) => {
      // The API server refuses rollingUpdate parameters next to Recreate.
      expect(strategyOf(name)).toEqual({ type: 'Recreate' });
    },
  );

  it.each(['redisInValues', 'redisSecret', 'redisReplicas', 'redisReplicasNodePort'] as const)(
    'with the %s values, updates roll one extra pod in before one is taken out',
    (name) => {
      expect(strategyOf(name)).toEqual({
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
      });
    },
  );

  it('with Redis and hostNetwork, updates take a pod out first: a surge pod may find no node with the ports free', async () => {
    expect(strategyOf('redisReplicasHostNetwork')).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: 0, maxUnavailable: 1 },
    });
    const single = new RenderedChart(
      await helm.render({ ...VALUE_SETS.redisReplicasHostNetwork, replicaCount: 1 }),
    );
    expect(single.deployment.spec!.strategy?.rollingUpdate?.maxSurge).toBe(0);
  });

  it('by default, the PodDisruptionBudget lets a node drain evict the single pod', () => {
    const budget = chart('default').only<IPodDisruptionBudget>('PodDisruptionBudget');
    expect(allowedDisruptions(budget, 1)).toBeGreaterThanOrEqual(1);
  });

  it('counts disruptions as Kubernetes does, so a budget that blocks drains is seen to', () => {
    const budget = (spec: IPodDisruptionBudget['spec']) => ({ spec }) as IPodDisruptionBudget;
    expect(allowedDisruptions(budget({ minAvailable: 1 }), 1)).toBe(0);
    expect(allowedDisruptions(budget({ minAvailable: '50%' }), 3)).toBe(1);
    expect(allowedDisruptions(budget({ maxUnavailable: '10%' }), 3)).toBe(1);
  });
});

describe('probes', () => {
  it.each(['default', 'metricsPort', 'customServer'] as const)(
    'with the %s values, liveness asks /healthz and readiness /readyz on the HTTP port, and both answer 200 from the real server',
    async (name) => {
      const rendered = chart(name);
      const settings = buildConfig(settingsOf(name));
      const { livenessProbe, readinessProbe } = rendered.container;
      expect(livenessProbe?.httpGet?.path).toBe('/healthz');
      expect(readinessProbe?.httpGet?.path).toBe('/readyz');

      // The chart's own settings, on loopback with ephemeral ports instead of the real ones.
      const orion = await startOrion({
        ...settingsOf(name),
        host: '127.0.0.1',
        httpPort: 0,
        udpPort: 0,
        ...(settings.metricsPort === undefined ? {} : { metricsPort: 0 }),
      });
      try {
        for (const probe of [livenessProbe!, readinessProbe!]) {
          expect(rendered.containerPort(probe.httpGet!.port)).toBe(settings.httpPort);
          const response = await fetch(`${orion.httpUrl}${probe.httpGet!.path}`);
          expect(response.status, probe.httpGet!.path).toBe(200);
        }
      } finally {
        await orion.close();
      }
    },
  );
});

describe('pod security', () => {
  it.each(VALUE_SET_NAMES)(
    'with the %s values, the container runs as non-root, on a read-only root filesystem, without capabilities',
    (name) => {
      const { podSpec, container } = chart(name);
      const context = container.securityContext!;
      expect(context.runAsNonRoot ?? podSpec.securityContext?.runAsNonRoot).toBe(true);
      expect(context.runAsUser ?? podSpec.securityContext?.runAsUser).not.toBe(0);
      expect(context.readOnlyRootFilesystem).toBe(true);
      expect(context.allowPrivilegeEscalation).toBe(false);
      expect(context.privileged ?? false).toBe(false);
      expect(context.capabilities?.drop).toContain('ALL');
      expect(context.capabilities?.add ?? []).toEqual([]);
    },
  );

  it('runs one replica by default, with a PodDisruptionBudget selecting its pod', () => {
    const rendered = chart('default');
    expect(rendered.deployment.spec!.replicas).toBe(1);
    const [budget] = rendered.disruptionBudgets;
    expect(rendered.disruptionBudgets).toHaveLength(1);
    expect(selects(budget.spec!.selector!.matchLabels, rendered.podLabels)).toBe(true);
  });
});

describe('services', () => {
  it.each(VALUE_SET_NAMES)(
    'with the %s values, every Service selects the pod and targets a container port of its protocol',
    (name) => {
      const rendered = chart(name);
      for (const service of rendered.services) {
        expect(selects(service.spec!.selector, rendered.podLabels)).toBe(true);
        for (const port of portsOf(service)) {
          const target = rendered.containerPort(port.targetPort ?? port.port);
          const containerPort = rendered.container.ports!.find((p) => p.containerPort === target);
          expect(containerPort, `${service.metadata!.name}:${port.port}`).toBeDefined();
          expect(containerPort!.protocol ?? 'TCP').toBe(port.protocol ?? 'TCP');
        }
      }
    },
  );

  it('serves HTTP and WebSocket through a ClusterIP Service', () => {
    const rendered = chart('default');
    const http = rendered.tcpServices.filter((s) => (s.spec!.type ?? 'ClusterIP') === 'ClusterIP');
    expect(http).toHaveLength(1);
    expect(portsOf(http[0]).map((port) => port.port)).toContain(5980);
    expect(portsOf(chart('customServer').tcpServices[0]).map((port) => port.port)).toEqual([80]);
  });

  it('exposes UDP through a LoadBalancer Service by default, keeping client addresses (externalTrafficPolicy Local)', () => {
    const rendered = chart('default');
    expect(rendered.udpServices).toHaveLength(1);
    const { service, port } = udpServicePort(rendered);
    expect(service.spec!.type).toBe('LoadBalancer');
    expect(service.spec!.externalTrafficPolicy).toBe('Local');
    expect(port.protocol).toBe('UDP');
    expect(rendered.containerPort(port.targetPort ?? port.port)).toBe(5990);
  });

  it('puts the annotations and source ranges from the values on the UDP balancer', () => {
    const { service, port } = udpServicePort(chart('balancerOptions'));
    const options = VALUE_SETS.balancerOptions.udp.service;
    expect(service.metadata!.annotations).toMatchObject(options.annotations);
    expect(service.spec!.loadBalancerSourceRanges).toEqual(options.loadBalancerSourceRanges);
    expect(port.port).toBe(LB_PORT);
  });

  it('exposes UDP on the chosen node port in NodePort mode, still with externalTrafficPolicy Local', () => {
    const rendered = chart('nodePort');
    expect(rendered.udpServices).toHaveLength(1);
    const { service, port } = udpServicePort(rendered);
    expect(service.spec!.type).toBe('NodePort');
    expect(service.spec!.externalTrafficPolicy).toBe('Local');
    expect(port.protocol).toBe('UDP');
    expect(port.nodePort).toBe(NODE_PORT);
  });

  it('refuses NodePort mode without a fixed node port, which could not be advertised', async () => {
    const render = await helm.template({ udp: { mode: 'NodePort' } });
    expect(render.ok).toBe(false);
    expect(render.stderr).toMatch(/nodePort/);
  });

  it.each([
    ['redisReplicas', 'LoadBalancer'],
    ['redisReplicasNodePort', 'NodePort'],
  ] as const)(
    'with the %s values (several replicas), the %s UDP Service still keeps client addresses (externalTrafficPolicy Local)',
    (name, type) => {
      const rendered = chart(name);
      expect(rendered.udpServices).toHaveLength(1);
      const { service } = udpServicePort(rendered);
      expect(service.spec!.type).toBe(type);
      expect(service.spec!.externalTrafficPolicy).toBe('Local');
    },
  );

  it("with hostNetwork and several replicas, requires each pod on a node of its own, keeping the user's affinity", async () => {
    const withUserAffinity = chart('redisReplicasHostNetwork');
    const { affinity: _userAffinity, ...withoutAffinity } = VALUE_SETS.redisReplicasHostNetwork;
    const alone = new RenderedChart(await helm.render(withoutAffinity));
    for (const rendered of [withUserAffinity, alone]) {
      expect(rendered.podSpec.hostNetwork).toBe(true);
      const own = requiredAntiAffinity(rendered).filter((term) => term.topologyKey === HOSTNAME);
      expect(own).toHaveLength(1);
      expect(selects(own[0].labelSelector?.matchLabels, rendered.podLabels)).toBe(true);
    }
    expect(requiredAntiAffinity(withUserAffinity)).toContainEqual(USER_TERM);
  });

  it.each(['default', 'hostNetwork', 'redisReplicas', 'redisReplicasNodePort'] as const)(
    'with the %s values (one pod, or not on the node network), adds no anti-affinity of its own',
    (name) => {
      expect(chart(name).podSpec.affinity).toBeUndefined();
    },
  );

  it('runs on the node network in hostNetwork mode, without a UDP Service, resolving cluster names', () => {
    const rendered = chart('hostNetwork');
    expect(rendered.podSpec.hostNetwork).toBe(true);
    expect(rendered.podSpec.dnsPolicy).toBe('ClusterFirstWithHostNet');
    expect(rendered.udpServices).toEqual([]);
    expect(chart('default').podSpec.hostNetwork ?? false).toBe(false);
  });
});

describe('advertised UDP port', () => {
  it('is the load balancer port with a LoadBalancer', () => {
    expect(settingsOf('default').udpAdvertisedPort).toBe(
      udpServicePort(chart('default')).port.port,
    );
    expect(settingsOf('balancerOptions').udpAdvertisedPort).toBe(LB_PORT);
  });

  it('is the node port in NodePort mode', () => {
    expect(settingsOf('nodePort').udpAdvertisedPort).toBe(NODE_PORT);
  });

  it('is the container port in hostNetwork mode', () => {
    const settings = settingsOf('hostNetwork');
    const udp = chart('hostNetwork').container.ports!.find(isUdp)!;
    expect(settings.udpPort).toBe(6990);
    expect(settings.udpAdvertisedPort).toBe(udp.containerPort);
  });

  it('is the value given when server.udpAdvertisedPort is set', async () => {
    const rendered = new RenderedChart(
      await helm.render({ server: { udpAdvertisedPort: 40_000 } }),
    );
    expect(settingsOfContainer(rendered.container).udpAdvertisedPort).toBe(40_000);
  });
});

describe('relay fallback', () => {
  const variable = (name: ValueSetName, variableName: string) =>
    chart(name).container.env?.find((candidate) => candidate.name === variableName);
  const inRelayRange = (port: number | undefined) =>
    port !== undefined && port >= 40_000 && port <= 40_999;

  it('with hostNetwork, the pod binds the range on its node: the env names range and host, no port or Service stands for it', () => {
    const rendered = chart('relay');
    expect(rendered.podSpec.hostNetwork).toBe(true);
    expect(variable('relay', 'ORION_RELAY_PORTS')?.value).toBe(RELAY_PORTS);
    expect(variable('relay', 'ORION_RELAY_HOST')?.value).toBe(RELAY_HOST);
    const ports = rendered.container.ports ?? [];
    expect(ports.length).toBeGreaterThan(0);
    for (const port of ports) {
      expect(inRelayRange(port.containerPort), port.name).toBe(false);
      expect(inRelayRange(port.hostPort), port.name).toBe(false);
    }
    expect(rendered.udpServices).toEqual([]);
  });

  it('with relay.advertiseNodeIP, each pod names its own node (status.hostIP), one pod per node', () => {
    const rendered = chart('relayNodeIP');
    const host = variable('relayNodeIP', 'ORION_RELAY_HOST');
    expect(host?.value).toBeUndefined();
    expect(host?.valueFrom?.fieldRef?.fieldPath).toBe('status.hostIP');
    const onNode = settingsOfContainer(rendered.container, { 'status.hostIP': '192.0.2.77' });
    expect(buildConfig(onNode)).toMatchObject({ relayPorts: RELAY_PORTS, relayHost: '192.0.2.77' });
    expect(rendered.deployment.spec!.replicas).toBe(2);
    const own = requiredAntiAffinity(rendered).filter((term) => term.topologyKey === HOSTNAME);
    expect(own).toHaveLength(1);
  });

  it.each(['1024-1024', '65535-65535'])(
    'renders relayPorts %j, a range at an end of what the pod can bind',
    async (relayPorts) => {
      const rendered = new RenderedChart(
        await helm.render({
          udp: { mode: 'hostNetwork' },
          server: { relayPorts, relayHost: RELAY_HOST },
        }),
      );
      const settings = buildConfig(settingsOfContainer(rendered.container));
      expect(settings.relayPorts).toBe(relayPorts);
    },
  );

  it.each([
    ['LoadBalancer', { udp: { mode: 'LoadBalancer' } }],
    ['NodePort', { udp: { mode: 'NodePort', service: { nodePort: NODE_PORT } } }],
  ])(
    'refuses the relay with udp.mode %s, saying that a Service cannot expose a port range',
    async (mode, values) => {
      const render = await helm.template({
        ...values,
        server: { relayPorts: RELAY_PORTS, relayHost: RELAY_HOST },
      });
      expect(render.ok).toBe(false);
      expect(render.stderr).not.toMatch(/schema/i);
      expect(render.stderr).toContain(`udp.mode is ${mode}`);
      expect(render.stderr).toContain('cannot expose a port range');
      expect(render.stderr).toContain('Set udp.mode hostNetwork');
    },
  );

  const hostNetwork = { udp: { mode: 'hostNetwork' } };
  const redisReplicas = { replicaCount: 2, server: { redisUrl: 'redis://redis.cache:6379' } };
  it.each([
    [
      'a range whose first port is above its last',
      { ...hostNetwork, server: { relayPorts: '40999-40000', relayHost: RELAY_HOST } },
      'server.relayPorts "40999-40000" runs backwards: its first port (40999) is above its last (40000). Write the lower port first: "40000-40999".',
    ],
    [
      'a range below 1024, which the unprivileged pod cannot bind',
      { ...hostNetwork, server: { relayPorts: '1000-1100', relayHost: RELAY_HOST } },
      'starts below 1024',
    ],
    [
      'the relay without an address to name',
      { ...hostNetwork, server: { relayPorts: RELAY_PORTS } },
      'server.relayPorts needs the address players send relayed datagrams to',
    ],
    [
      'both server.relayHost and relay.advertiseNodeIP',
      {
        ...hostNetwork,
        server: { relayPorts: RELAY_PORTS, relayHost: RELAY_HOST },
        relay: { advertiseNodeIP: true },
      },
      'set only one',
    ],
    [
      'one server.relayHost for several pods on their own nodes',
      {
        ...hostNetwork,
        ...redisReplicas,
        server: { ...redisReplicas.server, relayPorts: RELAY_PORTS, relayHost: RELAY_HOST },
      },
      'replicaCount is 2 with the relay on',
    ],
    [
      'relay.advertiseNodeIP with the relay off',
      { ...hostNetwork, relay: { advertiseNodeIP: true } },
      'relay.advertiseNodeIP needs server.relayPorts',
    ],
  ])('refuses %s, saying why', async (_case, values, message) => {
    const render = await helm.template(values);
    expect(render.ok).toBe(false);
    expect(render.stderr).not.toMatch(/schema/i);
    expect(render.stderr).toContain(message);
  });
});

describe('optional objects', () => {
  it('renders no Ingress, ServiceMonitor or NetworkPolicy unless enabled', () => {
    const rendered = chart('default');
    expect(rendered.ingresses).toEqual([]);
    expect(rendered.serviceMonitors).toEqual([]);
    expect(rendered.networkPolicies).toEqual([]);
  });

  it.each(['ingress', 'mixedProtocol'] as const)(
    'with the %s values, the Ingress routes to the HTTP port only, never to the UDP port',
    (name) => {
      const rendered = chart(name);
      expect(rendered.ingresses).toHaveLength(1);
      const [ingress] = rendered.ingresses;
      const backends = [
        ...(ingress.spec!.defaultBackend ? [ingress.spec!.defaultBackend] : []),
        ...(ingress.spec!.rules ?? []).flatMap((rule) => rule.http!.paths.map((p) => p.backend)),
      ];
      expect(backends.length).toBeGreaterThan(0);
      for (const backend of backends) {
        const service = rendered.services.find((s) => s.metadata!.name === backend.service!.name);
        expect(service, backend.service!.name).toBeDefined();
        const port = portsOf(service!).find(
          (p) => p.port === backend.service!.port!.number || p.name === backend.service!.port!.name,
        );
        expect(port).toBeDefined();
        expect(port!.protocol ?? 'TCP').toBe('TCP');
        expect(rendered.containerPort(port!.targetPort ?? port!.port)).toBe(5980);
      }
    },
  );

  it.each(['serviceMonitor', 'metricsPort', 'mixedProtocol'] as const)(
    'with the %s values, the ServiceMonitor scrapes /metrics on the port that serves it',
    (name) => {
      const rendered = chart(name);
      const settings = buildConfig(settingsOf(name));
      expect(rendered.serviceMonitors).toHaveLength(1);
      const [monitor] = rendered.serviceMonitors;
      expect(monitor.spec.endpoints).toHaveLength(1);
      const [endpoint] = monitor.spec.endpoints!;
      // Two selected Services with that port would have Prometheus scrape the pod twice.
      const scraped = rendered.services.filter(
        (s: IService) =>
          selects(monitor.spec.selector.matchLabels, s.metadata!.labels ?? {}) &&
          portsOf(s).some((p) => p.name === endpoint.port),
      );
      expect(scraped).toHaveLength(1);
      expect(endpoint.path ?? '/metrics').toBe('/metrics');
      const port = portsOf(scraped[0]).find((p) => p.name === endpoint.port)!;
      expect(port).toBeDefined();
      expect(rendered.containerPort(port.targetPort ?? port.port)).toBe(
        settings.metricsPort ?? settings.httpPort,
      );
    },
  );

  it('labels the ServiceMonitor as the values say, for Prometheus to find it', () => {
    const [monitor] = chart('serviceMonitor').serviceMonitors;
    expect(monitor.metadata!.labels).toMatchObject({ release: 'prometheus' });
  });

  it('opens the NetworkPolicy to the HTTP port over TCP and the UDP port over UDP', () => {
    const rendered = chart('networkPolicy');
    expect(rendered.networkPolicies).toHaveLength(1);
    const [policy] = rendered.networkPolicies;
    expect(selects(policy.spec!.podSelector.matchLabels, rendered.podLabels)).toBe(true);
    expect(policy.spec!.policyTypes).toContain('Ingress');
    const open = rendered.openings(policy);
    expect(open).toContainEqual({ port: 5980, protocol: 'TCP', from: 'anywhere' });
    expect(open).toContainEqual({ port: 5990, protocol: 'UDP', from: 'anywhere' });
  });

  it('restricts the metrics port to the namespaces the values name', () => {
    const rendered = chart('metricsPort');
    const [policy] = rendered.networkPolicies;
    const metrics = rendered.openings(policy).filter((p) => p.port === 9464 || p.port === 'all');
    expect(metrics.length).toBeGreaterThan(0);
    for (const rule of metrics) expect(rule.from).toBe('restricted');
  });
});

function requiredAntiAffinity(rendered: RenderedChart) {
  const anti = rendered.podSpec.affinity?.podAntiAffinity;
  return anti?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
}

function sortPorts<T extends { containerPort?: number; protocol?: string }>(ports: T[]): T[] {
  return [...ports].sort((a, b) =>
    `${a.protocol}/${a.containerPort}`.localeCompare(`${b.protocol}/${b.containerPort}`),
  );
}
