import * as monitoringV1 from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import type { IServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import * as appsV1 from 'kubernetes-models/apps/v1';
import type { IDeployment } from 'kubernetes-models/apps/v1';
import * as autoscalingV2 from 'kubernetes-models/autoscaling/v2';
import * as networkingV1 from 'kubernetes-models/networking.k8s.io/v1';
import type { IIngress, INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import * as policyV1 from 'kubernetes-models/policy/v1';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1';
import * as rbacV1 from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import * as coreV1 from 'kubernetes-models/v1';
import type { IContainer, IPodSpec, IService, IServicePort } from 'kubernetes-models/v1';
import type { Manifest } from './helm-cli.js';

/** The kubernetes-models classes by apiVersion, each module exporting its models by kind. */
const MODELS: Record<string, Record<string, unknown>> = {
  v1: coreV1,
  'apps/v1': appsV1,
  'autoscaling/v2': autoscalingV2,
  'networking.k8s.io/v1': networkingV1,
  'policy/v1': policyV1,
  'rbac.authorization.k8s.io/v1': rbacV1,
  'monitoring.coreos.com/v1': monitoringV1,
};

interface ModelClass {
  apiVersion: string;
  kind: string;
  new (data: unknown): { validate(): void };
}

/** Checks `manifest` against its kind's OpenAPI schema; throws naming the object and field. */
export function validateManifest(manifest: Manifest): void {
  const model = MODELS[manifest.apiVersion]?.[manifest.kind] as ModelClass | undefined;
  const label = `${manifest.kind} ${manifest.metadata?.name} (${manifest.apiVersion})`;
  if (typeof model !== 'function' || model.kind !== manifest.kind) {
    throw new Error(`no schema known for ${label}`);
  }
  try {
    new model(manifest).validate();
  } catch (error) {
    throw new Error(`${label}: ${(error as Error).message}`, { cause: error });
  }
}

/** Typed lookups in one render of the chart. */
export class RenderedChart {
  constructor(readonly manifests: Manifest[]) {}

  ofKind<T>(kind: string): T[] {
    return this.manifests.filter((manifest) => manifest.kind === kind) as T[];
  }

  /** The single object of `kind`; fails when there are none or several. */
  only<T>(kind: string): T {
    const found = this.ofKind<T>(kind);
    if (found.length !== 1) throw new Error(`expected one ${kind}, rendered ${found.length}`);
    return found[0];
  }

  get deployment(): IDeployment {
    return this.only<IDeployment>('Deployment');
  }

  get podLabels(): Record<string, string> {
    return this.deployment.spec!.template.metadata!.labels!;
  }

  get podSpec(): IPodSpec {
    return this.deployment.spec!.template.spec!;
  }

  /** The container running Orion: the only one, or the one named orion. */
  get container(): IContainer {
    const containers = this.podSpec.containers;
    return containers.length === 1
      ? containers[0]
      : containers.find((container) => container.name === 'orion')!;
  }

  get services(): IService[] {
    return this.ofKind<IService>('Service');
  }

  /** Services exposing a UDP port. */
  get udpServices(): IService[] {
    return this.services.filter((service) => portsOf(service).some(isUdp));
  }

  /** Services exposing only TCP ports. */
  get tcpServices(): IService[] {
    return this.services.filter((service) => !portsOf(service).some(isUdp));
  }

  get ingresses(): IIngress[] {
    return this.ofKind<IIngress>('Ingress');
  }

  get serviceMonitors(): IServiceMonitor[] {
    return this.ofKind<IServiceMonitor>('ServiceMonitor');
  }

  get networkPolicies(): INetworkPolicy[] {
    return this.ofKind<INetworkPolicy>('NetworkPolicy');
  }

  get disruptionBudgets(): IPodDisruptionBudget[] {
    return this.ofKind<IPodDisruptionBudget>('PodDisruptionBudget');
  }

  /** The container port a Service or probe names, by number or by port name. */
  containerPort(target: number | string | undefined): number | undefined {
    const ports = this.container.ports ?? [];
    if (typeof target === 'number') {
      return ports.some((port) => port.containerPort === target) ? target : undefined;
    }
    return ports.find((port) => port.name === target)?.containerPort;
  }

  /**
   * The pod ports each ingress rule of a NetworkPolicy opens ('all' for a rule without ports),
   * and whether to anyone or only to the peers the rule lists.
   */
  openings(policy: INetworkPolicy): PolicyOpening[] {
    return (policy.spec?.ingress ?? []).flatMap((rule): PolicyOpening[] => {
      const from = (rule.from ?? []).length === 0 ? 'anywhere' : 'restricted';
      if ((rule.ports ?? []).length === 0) return [{ port: 'all', protocol: 'any', from }];
      return rule.ports!.map((port) => ({
        port: port.port === undefined ? 'all' : this.containerPort(port.port),
        protocol: port.protocol ?? 'TCP',
        from,
      }));
    });
  }
}

/** A pod port a NetworkPolicy opens, and to whom. */
export interface PolicyOpening {
  port: number | 'all' | undefined;
  protocol: string;
  from: 'anywhere' | 'restricted';
}

/** Whether every label a selector asks for is on the object. */
export function selects(
  selector: Record<string, string> | undefined,
  labels: Record<string, string>,
): boolean {
  return selector !== undefined && Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** The variables Kubernetes' Service links put in every pod of the namespace for a Service. */
export function serviceLinkNames(service: IService): string[] {
  const prefix = envName(service.metadata!.name!);
  return [
    `${prefix}_SERVICE_HOST`,
    `${prefix}_SERVICE_PORT`,
    `${prefix}_PORT`,
    ...portsOf(service).flatMap((port) => {
      const link = `${prefix}_PORT_${port.port}_${port.protocol ?? 'TCP'}`;
      const named = port.name ? [`${prefix}_SERVICE_PORT_${envName(port.name)}`] : [];
      return [...named, link, `${link}_PROTO`, `${link}_PORT`, `${link}_ADDR`];
    }),
  ];
}

function envName(name: string): string {
  return name.toUpperCase().replace(/-/g, '_');
}

export function portsOf(service: IService): IServicePort[] {
  return service.spec?.ports ?? [];
}

export function isUdp(port: { protocol?: string }): boolean {
  return port.protocol === 'UDP';
}
