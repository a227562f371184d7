// A SyncContext for FederatedConfigMaps (or FederatedNamespaces) made of the real parts
// (informers, cluster registry, federated informer, version store, event sink) over two fakes: an
// in-memory lister for the host caches, and a RecordingWriter for the members. Host writes go
// through `host`, a real KubeClient (of a test server). Each cache syncs only when the test gives
// it objects, so a test can leave any one of them unsynced. The SyncContext's informers, stores
// and recorder are classes with private fields, so the real ones are used rather than look-alikes.
import { kubeFedClustersResource } from '../../../../src/apis/resources.ts';
import type { SyncContext } from '../../../../src/controllers/sync/context.ts';
import { VersionStore } from '../../../../src/controllers/sync/versions.ts';
import { StatusCollection } from '../../../../src/controllers/sync/status-collection.ts';
import { RejectedWrites } from '../../../../src/federation/propagation/rejected-writes.ts';
import { MemberRewrites } from '../../../../src/controllers/sync/member-rewrites.ts';
import type { KubeObject } from '../../../../src/json/object.ts';
import type { KubeClient, WatchStream } from '../../../../src/kube/client.ts';
import { Informer, type ListerWatcher } from '../../../../src/kube/informer.ts';
import type { ResourceRef } from '../../../../src/kube/resource.ts';
import { FederatedInformer } from '../../../../src/multicluster/federated-informer.ts';
import { ClusterRegistry } from '../../../../src/multicluster/cluster-registry.ts';
import { HostInformers } from '../../../../src/multicluster/host-informers.ts';
import { EventSink } from '../../../../src/runtime/events.ts';
import { Logger } from '../../../../src/runtime/logger.ts';
import { MetricsRegistry, registerKubeFedMetrics } from '../../../../src/runtime/metrics.ts';
import { RecordingWriter } from './recording-writer.ts';

export const KUBEFED_NAMESPACE = 'kube-federation-system';

/** A federated type and its target, as the FTC controller would hand them to a sync controller. */
interface SyncedType {
  federated: ResourceRef;
  target: ResourceRef;
  kind: string;
}
const federatedType = (resource: string): ResourceRef => ({
  group: 'types.kubefed.io',
  version: 'v1beta1',
  resource,
  namespaced: true,
});
const types: Record<'configmaps' | 'namespaces', SyncedType> = {
  configmaps: {
    federated: federatedType('federatedconfigmaps'),
    target: { group: '', version: 'v1', resource: 'configmaps', namespaced: true },
    kind: 'ConfigMap',
  },
  namespaces: {
    federated: federatedType('federatednamespaces'),
    target: { group: '', version: 'v1', resource: 'namespaces', namespaced: false },
    kind: 'Namespace',
  },
};

/** What each host cache lists; an absent entry leaves that cache unsynced. */
export interface HostCaches {
  /** The federated objects of the type. */
  federated?: KubeObject[] | undefined;
  /** FederatedNamespaces: ConfigMap type only. */
  federatedNamespaces?: KubeObject[] | undefined;
  /** The host's Namespaces: Namespace type only. */
  hostNamespaces?: KubeObject[] | undefined;
  kubeFedClusters?: KubeObject[] | undefined;
  /** Load the recorded versions (one list through `host`). */
  versionsLoaded?: boolean;
}

export interface SyncWorld {
  ctx: SyncContext;
  writer: RecordingWriter;
  /** Resolves once every recorded Event has been sent to the host. */
  eventsSent: () => Promise<void>;
  stop: () => Promise<void>;
}

export async function syncWorld(
  host: KubeClient,
  caches: HostCaches = {},
  typeName: keyof typeof types = 'configmaps',
): Promise<SyncWorld> {
  const type = types[typeName];
  const namespaceType = typeName === 'namespaces';
  const logger = new Logger({ sink: () => undefined });
  const listed = new Map([
    [kubeFedClustersResource.resource, caches.kubeFedClusters ?? []],
    [types.namespaces.federated.resource, caches.federatedNamespaces ?? []],
    [types.namespaces.target.resource, caches.hostNamespaces ?? []],
  ]);
  // Last: for the Namespace type, the federated objects are the FederatedNamespaces.
  listed.set(type.federated.resource, caches.federated ?? []);
  const lister = inMemoryLister(listed);
  const informer = (resource: ResourceRef): Informer => new Informer({ client: lister, resource });
  const federated = informer(type.federated);
  const federatedNamespaces = namespaceType ? undefined : informer(types.namespaces.federated);
  const hostNamespaces = namespaceType ? informer(types.namespaces.target) : undefined;
  const hostInformers = new HostInformers(lister, logger);
  const clusters = new ClusterRegistry({
    host,
    informers: hostInformers,
    namespace: KUBEFED_NAMESPACE,
    userAgent: 'sync-test',
    logger,
  });
  // Never started: a ready cluster stays pending, as while its member cache is being set up.
  const members = new FederatedInformer({
    clusters,
    target: type.target,
    targetNamespace: undefined,
    logger,
    onClusterAvailable: () => undefined,
    onClusterUnavailable: () => undefined,
    onMemberEvent: () => undefined,
  });
  const versions = new VersionStore({
    host,
    namespaced: true,
    targetKind: type.kind.toLowerCase(),
    targetNamespace: undefined,
  });
  const syncing: Promise<void>[] = [];
  if (caches.federated !== undefined) syncing.push(started(federated));
  if (federatedNamespaces !== undefined && caches.federatedNamespaces !== undefined) {
    syncing.push(started(federatedNamespaces));
  }
  if (hostNamespaces !== undefined && caches.hostNamespaces !== undefined) {
    syncing.push(started(hostNamespaces));
  }
  if (caches.kubeFedClusters !== undefined) {
    hostInformers.start();
    syncing.push(hostInformers.informer(kubeFedClustersResource, KUBEFED_NAMESPACE).waitForSync());
  }
  if (caches.versionsLoaded === true) syncing.push(versions.load(AbortSignal.timeout(5000)));
  await Promise.all(syncing);

  const sink = new EventSink(host, logger);
  const writer = new RecordingWriter();
  const ctx: SyncContext = {
    controllerName: `federated${type.kind.toLowerCase()}`,
    host,
    kubefedNamespace: KUBEFED_NAMESPACE,
    federatedResource: type.federated,
    targetResource: type.target,
    target: { kind: type.kind, version: 'v1' },
    targetIsNamespace: namespaceType,
    targetNamespaced: type.target.namespaced,
    limitedScope: false,
    federated,
    federatedNamespaces,
    hostNamespaces,
    members,
    writer,
    versions,
    rejectedWrites: new RejectedWrites(),
    statusCollection: new StatusCollection({ raw: false, workload: undefined, windowMs: 1000 }),
    rewrites: new MemberRewrites({ maxRewrites: 3, windowMs: 60_000 }),
    events: sink.recorder(`federated${type.kind.toLowerCase()}-controller`),
    logger,
    metrics: registerKubeFedMetrics(new MetricsRegistry()),
    adoptResources: true,
    operationTimeoutMs: 30_000,
    now: () => Date.parse('2024-05-01T10:00:00Z'),
  };
  return {
    ctx,
    writer,
    eventsSent: () => sink.drained(),
    stop: async () => {
      await sink.drained();
      await Promise.all([
        federated.stop(),
        federatedNamespaces?.stop(),
        hostNamespaces?.stop(),
        members.stop(),
        hostInformers.stop(),
      ]);
      await clusters.close();
    },
  };
}

function started(informer: Informer): Promise<void> {
  informer.start();
  return informer.waitForSync();
}

/** Lists the given objects per resource; a watch stays open, without events, until it is ended. */
function inMemoryLister(objects: ReadonlyMap<string, KubeObject[]>): ListerWatcher {
  return {
    cluster: 'host',
    list: (resource, options) =>
      Promise.resolve({
        metadata: { resourceVersion: '1' },
        items: (objects.get(resource.resource) ?? []).filter(
          (o) => options?.namespace === undefined || o.metadata?.namespace === options.namespace,
        ),
      }),
    watch: (_resource, options) => Promise.resolve(idleWatch(options?.signal)),
  };
}

function idleWatch(signal: AbortSignal | undefined): WatchStream {
  const closed = new AbortController();
  const ended = AbortSignal.any([closed.signal, ...(signal === undefined ? [] : [signal])]);
  const end = new Promise<IteratorResult<never>>((resolve) => {
    const done = (): void => resolve({ done: true, value: undefined });
    if (ended.aborted) done();
    else ended.addEventListener('abort', done, { once: true });
  });
  return {
    close: () => closed.abort(),
    [Symbol.asyncIterator]: () => ({ next: () => end }),
  };
}
