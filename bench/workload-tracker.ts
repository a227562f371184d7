// Watches the rollouts of FederatedDeployments: the members' managed Deployments (one informer per
// member) and the host's FederatedDeployments, and records per object, at the moment the event
// arrives, when each member's Deployment first showed its rollout complete and every replica
// ready, and when the federated object's aggregated status first showed the same everywhere.
// Readiness is the controller's own rule (`clusterWorkload`), so both ends time the same thing.
import { clusterWorkload } from '../src/federation/status/workload-kinds.ts';
import type { WorkloadStatus } from '../src/apis/types.ts';
import type { KubeClient } from '../src/kube/client.ts';
import { Informer, stripManagedFields } from '../src/kube/informer.ts';
import type { ResourceRef } from '../src/kube/resource.ts';
import { isJsonObject, type KubeObject } from '../src/json/object.ts';
import type { Rollout } from './stats.ts';

export const deploymentsResource: ResourceRef = {
  group: 'apps',
  version: 'v1',
  resource: 'deployments',
  namespaced: true,
};

export const federatedDeploymentsResource: ResourceRef = {
  group: 'types.kubefed.io',
  version: 'v1beta1',
  resource: 'federateddeployments',
  namespaced: true,
};

interface MutableRollout {
  createdAt: number;
  memberReadyAt: Map<string, number>;
  fedReadyAt: number | undefined;
}

export class WorkloadTracker {
  readonly #members: Informer[];
  readonly #host: Informer;
  readonly #clusters: number;
  readonly #replicasPerCluster: number;
  readonly #rollouts = new Map<string, MutableRollout>();

  constructor(options: {
    host: KubeClient;
    members: KubeClient[];
    namespace: string;
    replicasPerCluster: number;
  }) {
    this.#clusters = options.members.length;
    this.#replicasPerCluster = options.replicasPerCluster;
    this.#members = options.members.map(
      (client) =>
        new Informer({
          client,
          resource: deploymentsResource,
          namespace: options.namespace,
          labelSelector: 'kubefed.io/managed=true',
          transform: stripManagedFields,
          onAdd: (obj) => this.#observeMember(client.cluster, obj),
          onUpdate: (_old, obj) => this.#observeMember(client.cluster, obj),
        }),
    );
    this.#host = new Informer({
      client: options.host,
      resource: federatedDeploymentsResource,
      namespace: options.namespace,
      transform: stripManagedFields,
      onAdd: (obj) => this.#observeHost(obj),
      onUpdate: (_old, obj) => this.#observeHost(obj),
    });
  }

  async start(): Promise<void> {
    for (const i of [this.#host, ...this.#members]) i.start();
    await Promise.all(
      [this.#host, ...this.#members].map((i) => i.waitForSync({ timeoutMs: 120_000 })),
    );
  }

  async stop(): Promise<void> {
    await Promise.all([this.#host, ...this.#members].map((i) => i.stop()));
  }

  /** Starts timing the rollout of `name`; call it just before creating the federated object. */
  expect(name: string): void {
    this.#rollouts.set(name, {
      createdAt: performance.now(),
      memberReadyAt: new Map(),
      fedReadyAt: undefined,
    });
  }

  get rollouts(): ReadonlyMap<string, Rollout> {
    return this.#rollouts;
  }

  /** Rollouts whose federated status has not shown them ready yet. */
  get pending(): number {
    let n = 0;
    for (const r of this.#rollouts.values()) if (r.fedReadyAt === undefined) n++;
    return n;
  }

  /** The host's FederatedDeployments as last seen. */
  federatedObjects(): KubeObject[] {
    return this.#host.list();
  }

  /** Whether every federated object's status shows it ready now (e.g. after churn). */
  allReadyNow(): boolean {
    return this.#host.list().every((obj) => this.#fedReady(obj));
  }

  #observeMember(cluster: string, obj: KubeObject): void {
    const r = this.#rollouts.get(obj.metadata?.name ?? '');
    if (r === undefined || r.memberReadyAt.has(cluster)) return;
    const entry = clusterWorkload('Deployment', {
      name: cluster,
      clusterReady: true,
      observed: obj,
      desired: undefined,
    });
    if (entry.ready) r.memberReadyAt.set(cluster, performance.now());
  }

  #observeHost(obj: KubeObject): void {
    const r = this.#rollouts.get(obj.metadata?.name ?? '');
    if (r === undefined || r.fedReadyAt !== undefined) return;
    if (this.#fedReady(obj)) r.fedReadyAt = performance.now();
  }

  #fedReady(obj: KubeObject): boolean {
    const status = obj['status'];
    if (!isJsonObject(status) || !isJsonObject(status['workload'])) return false;
    const workload = status['workload'] as unknown as WorkloadStatus;
    const replicas = this.#replicasPerCluster * this.#clusters;
    const clusters = String(this.#clusters);
    return (
      workload.ready === `${String(replicas)}/${String(replicas)}` &&
      workload.readyClusters === `${clusters}/${clusters}`
    );
  }
}
