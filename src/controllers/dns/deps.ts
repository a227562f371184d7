// What the multi-cluster DNS controllers share: their dependencies, the host informers they
// follow (handlers removed and informers released on stop), and what a pass reads of the member
// clusters.
import type { KubeClient } from '../../kube/client.ts';
import type { Informer, InformerEventHandlers } from '../../kube/informer.ts';
import type { ResourceRef } from '../../kube/resource.ts';
import type { ClusterRegistry } from '../../multicluster/cluster-registry.ts';
import type { FederatedInformer } from '../../multicluster/federated-informer.ts';
import type { HostInformers } from '../../multicluster/host-informers.ts';
import type { EventSink } from '../../runtime/events.ts';
import type { Leadership } from '../../runtime/leadership.ts';
import type { Logger } from '../../runtime/logger.ts';
import type { KubeFedMetrics } from '../../runtime/metrics.ts';
import { isClusterReady } from '../../federation/cluster-health.ts';
import type { ClusterView, MemberObservation } from '../../federation/dns/record-status.ts';

export interface DNSControllerDeps {
  host: KubeClient;
  events: EventSink;
  /** The KubeFed namespace: Domains and KubeFedClusters live there. */
  kubefedNamespace: string;
  /** Namespace the control plane is limited to; all namespaces when undefined. */
  targetNamespace: string | undefined;
  logger: Logger;
  metrics: KubeFedMetrics;
  informers: HostInformers;
  clusters: ClusterRegistry;
  /** Built on a standby; reconciles (and so writes) only while the process leads. */
  leadership: Leadership;
}

export interface RunningDNSController {
  stop(): Promise<void>;
}

/** Shared host informers a controller added handlers to; `release` undoes both. */
export class FollowedInformers {
  readonly #informers: HostInformers;
  readonly #followed: { informer: Informer; removeHandlers: () => void }[] = [];

  constructor(informers: HostInformers) {
    this.#informers = informers;
  }

  follow(
    resource: ResourceRef,
    namespace: string | undefined,
    handlers: InformerEventHandlers,
  ): Informer {
    const informer = this.#informers.informer(resource, namespace);
    this.#followed.push({ informer, removeHandlers: informer.addEventHandler(handlers) });
    return informer;
  }

  removeHandlers(): void {
    for (const { removeHandlers } of this.#followed) removeHandlers();
  }

  async release(): Promise<void> {
    await Promise.all(this.#followed.map(({ informer }) => this.#informers.release(informer)));
  }
}

/** Every KubeFedCluster as the DNS records see it: readiness, region, zones. */
export function clusterViews(registry: Pick<ClusterRegistry, 'clusters'>): ClusterView[] {
  return registry.clusters().map((cluster) => ({
    name: cluster.metadata?.name ?? '',
    ready: isClusterReady(cluster.status?.conditions),
    region: cluster.status?.region,
    zones: cluster.status?.zones,
  }));
}

/** The object `key` in a cluster's member cache; unknown when the cache cannot be read. */
export function observeMember(
  members: Pick<FederatedInformer, 'cache'>,
  cluster: string,
  key: string,
): MemberObservation {
  const cache = members.cache(cluster);
  return cache.state === 'synced' ? { known: true, object: cache.get(key) } : { known: false };
}

/** Every cache loaded: the host informers and one member cache per ready cluster. */
export function cachesSynced(
  hostInformers: readonly Pick<Informer, 'hasSynced'>[],
  members: readonly Pick<FederatedInformer, 'hasSynced' | 'pendingClusters'>[],
): boolean {
  return (
    hostInformers.every((i) => i.hasSynced()) &&
    members.every((m) => m.hasSynced() && m.pendingClusters().length === 0)
  );
}
