// The sync controller of one federated type (spec §7.1): the FederatedTypeConfig controller
// starts and stops it. It watches the federated objects of its type on the host, follows the
// shared host informers (FederatedNamespaces for namespaced types; host Namespaces for the
// namespace type) and the managed member objects through a federated informer over the shared
// cluster registry, and queues `ns/name` keys; the reconcile in `reconcile.ts` does the work.
// Handlers only enqueue. On a standby all of that runs (the caches sync, the queue fills) but no
// pass: the work starts when the process leads.
import {
  NAMESPACES_TYPE_CONFIG,
  applyTypeConfigDefaults,
  federatedIsNamespaced,
  isNamespaceTypeConfig,
  targetIsNamespaced,
} from '../../apis/typeconfig.ts';
import { federatedTypeConfigsResource } from '../../apis/resources.ts';
import type { FederatedTypeConfig } from '../../apis/types.ts';
import type { KubeClient } from '../../kube/client.ts';
import type { Informer, InformerEventHandlers } from '../../kube/informer.ts';
import { namespacesResource, resourceRefOf, type ResourceRef } from '../../kube/resource.ts';
import type { EventSink } from '../../runtime/events.ts';
import { reportedClusters } from '../../federation/propagation/propagation-status.ts';
import { updateNeedsSync } from '../../federation/propagation/update-filter.ts';
import { FederatedInformer } from '../../multicluster/federated-informer.ts';
import { clientMemberWriter } from './member-writer.ts';
import { errorMessage } from '../../kube/errors.ts';
import {
  typeControllerWorker,
  type RunningTypeController,
  type TypeControllerDeps,
} from '../typeconfig/controller.ts';
import type { SyncContext } from './context.ts';
import { reconcileFederatedObject } from './reconcile.ts';
import { StatusCollection } from './status-collection.ts';
import { VersionStore } from './versions.ts';
import { RejectedWrites } from '../../federation/propagation/rejected-writes.ts';
import { MEMBER_REWRITE_WINDOW_MS, MemberRewrites } from './member-rewrites.ts';
import { Toggle } from '../../apis/constants.ts';
import { workloadKindOf } from '../../apis/workload-types.ts';
import { qualifiedName, type KubeObject } from '../../json/object.ts';

export interface SyncControllerDeps extends TypeControllerDeps {
  /** Where Events go (in the background, through a client of its own). */
  events: EventSink;
  /** The KubeFed system namespace (KubeFedClusters, FTCs, Secrets). */
  kubefedNamespace: string;
  /** `syncController.adoptResources: Disabled`. */
  skipAdoptingResources: boolean;
  /** Budget of one pass's member operations; default 30 s. */
  operationTimeoutMs?: number;
  /** The RawResourceStatusCollection feature gate. */
  rawResourceStatusCollection: boolean;
  /** Member status changes of one object within this time make one status write. */
  statusCollectionWindowMs: number;
  /** Same-content rewrites of a member object in a row before writes to it stop; 0: never. */
  maxMemberRewrites: number;
}

export async function startSyncController(
  ftc: FederatedTypeConfig,
  deps: SyncControllerDeps,
): Promise<RunningTypeController> {
  const federatedType = ftc.spec.federatedType;
  const targetType = ftc.spec.targetType;
  const name = federatedType.kind.toLowerCase();
  const logger = deps.logger.child({ controller: name });
  const targetIsNamespace = isNamespaceTypeConfig(ftc);
  const targetNamespaced = targetIsNamespaced(ftc);
  const targetResource = resourceRefOf(targetType, targetNamespaced);
  const federatedResource = resourceRefOf(federatedType, federatedIsNamespaced(ftc));
  // Namespaced types follow their FederatedNamespace (the `namespaces` FTC's federated type).
  const fedNamespaceResource = targetNamespaced
    ? await federatedNamespaceResource(deps.host, deps.kubefedNamespace)
    : undefined;

  const worker = typeControllerWorker(name, logger, deps, (key, signal) =>
    reconcileFederatedObject(ctx, key, signal),
  );
  /** Member and host Namespace keys are `name`; their federated object is `name/name`. */
  const federatedKey = (key: string): string =>
    targetIsNamespace && !key.includes('/') ? `${key}/${key}` : key;
  // A change of the federated object itself starts its backoff over; every other event keeps it.
  const enqueueChangedObject = (obj: KubeObject): void => {
    worker.enqueueChanged(qualifiedName(obj));
  };

  // Every host informer is shared (the FederatedNamespaces, for instance, are this type's own for
  // the namespace type and every other type's namespace filter): this controller adds its
  // handlers, and on stop removes them and releases the informers.
  const followed: { informer: Informer; removeHandlers: () => void }[] = [];
  const follow = (
    resource: ResourceRef,
    namespace: string | undefined,
    handlers: InformerEventHandlers,
  ): Informer => {
    const informer = deps.informers.informer(resource, namespace);
    followed.push({ informer, removeHandlers: informer.addEventHandler(handlers) });
    return informer;
  };
  const federated = follow(federatedResource, deps.targetNamespace, {
    onAdd: enqueueChangedObject,
    onUpdate: (old, obj) => {
      if (updateNeedsSync(old, obj)) enqueueChangedObject(obj);
    },
    onDelete: enqueueChangedObject,
  });
  const enqueueAll = (filter?: (key: string) => boolean): void => {
    for (const key of federated.keys()) if (!filter || filter(key)) worker.enqueue(key);
  };
  const enqueueNamespace = (obj: KubeObject): void => {
    const ns = obj.metadata?.namespace ?? '';
    enqueueAll((key) => key.startsWith(`${ns}/`));
  };
  const federatedNamespaces =
    fedNamespaceResource === undefined
      ? undefined
      : follow(fedNamespaceResource, deps.targetNamespace, {
          onAdd: enqueueNamespace,
          onUpdate: (_old, obj) => enqueueNamespace(obj),
          onDelete: enqueueNamespace,
        });
  const enqueueHostNamespace = (obj: KubeObject): void => {
    worker.enqueue(federatedKey(obj.metadata?.name ?? ''));
  };
  const hostNamespaces = targetIsNamespace
    ? follow(namespacesResource, undefined, {
        onAdd: enqueueHostNamespace,
        onUpdate: (_old, obj) => enqueueHostNamespace(obj),
        onDelete: enqueueHostNamespace,
      })
    : undefined;

  const timers = new Set<NodeJS.Timeout>();
  const afterDelay = (delayMs: number, action: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      action();
    }, delayMs);
    timers.add(timer);
  };
  const members = new FederatedInformer({
    clusters: deps.clusters,
    target: targetResource,
    targetNamespace: targetNamespaced ? deps.targetNamespace : undefined,
    logger,
    onClusterAvailable: (cluster) => {
      logger.v(2).info('Member cluster available', { cluster });
      afterDelay(deps.clusterAvailableDelayMs, () => enqueueAll());
    },
    onClusterUnavailable: (cluster) => {
      logger.v(2).info('Member cluster unavailable', { cluster });
      afterDelay(deps.clusterUnavailableDelayMs, () => enqueueAll());
    },
    onClusterRemoved: (cluster) => {
      // Their status still names it (issue 16): a pass drops it now, not after the delay above.
      logger.v(2).info('Member cluster removed', { cluster });
      for (const fed of federated.list()) {
        if (reportedClusters(fed).includes(cluster)) worker.enqueue(qualifiedName(fed));
      }
    },
    onMemberEvent: (key, _cluster, statusOnly) => {
      const fedKey = federatedKey(key);
      if (statusOnly && statusCollection.collects) {
        // Behind propagation work, once per window however often the member's status changes.
        statusCollection.noteMemberChange(fedKey, Date.now());
        worker.enqueueLowPriority(fedKey, statusCollection.windowMs);
        return;
      }
      worker.enqueueForRetry(fedKey);
    },
  });
  const versions = new VersionStore({
    host: deps.host,
    namespaced: federatedResource.namespaced,
    targetKind: targetType.kind.toLowerCase(),
    targetNamespace: deps.targetNamespace,
    // Retried every second: say it once per distinct failure (e.g. missing RBAC), not each time.
    onLoadError: (error) => {
      const message = errorMessage(error);
      if (message === lastLoadError) return;
      lastLoadError = message;
      logger.error('Loading the PropagatedVersions failed; the type waits until it works', error);
    },
  });
  let lastLoadError: string | undefined;

  const statusCollection = new StatusCollection({
    raw: deps.rawResourceStatusCollection && ftc.spec.statusCollection === Toggle.Enabled,
    workload: workloadKindOf(targetType),
    windowMs: deps.statusCollectionWindowMs,
  });
  const rewrites = new MemberRewrites({
    maxRewrites: deps.maxMemberRewrites,
    windowMs: MEMBER_REWRITE_WINDOW_MS,
  });
  const ctx: SyncContext = {
    controllerName: name,
    host: deps.host,
    kubefedNamespace: deps.kubefedNamespace,
    federatedResource,
    targetResource,
    target: { kind: targetType.kind, version: targetType.version, group: targetType.group },
    targetIsNamespace,
    targetNamespaced,
    limitedScope: deps.targetNamespace !== undefined,
    federated,
    federatedNamespaces,
    hostNamespaces,
    members,
    writer: clientMemberWriter({
      resource: targetResource,
      client: (cluster) => members.client(cluster),
      isLeading: () => deps.leadership.isLeading(),
      circuits: deps.clusters.circuits,
    }),
    versions,
    rejectedWrites: new RejectedWrites(),
    statusCollection,
    rewrites,
    events: deps.events.recorder(`${name}-controller`),
    logger,
    metrics: deps.metrics,
    adoptResources: !deps.skipAdoptingResources,
    operationTimeoutMs: deps.operationTimeoutMs ?? 30_000,
    now: Date.now,
  };

  const stop = new AbortController();
  const signal = AbortSignal.any([stop.signal, deps.leadership.signal]);
  members.start();
  // The records are read when the term begins, not before: until then the old leader writes them
  // (they are kept in memory, not watched). Then every key is queued: passes find the caches synced.
  let loading: Promise<void> | undefined;
  const cancelLeading = deps.leadership.whenLeading(() => {
    loading = versions.load(signal).then(() => {
      if (signal.aborted) return;
      worker.start();
      enqueueAll();
    });
  });
  return {
    async stop() {
      cancelLeading();
      stop.abort();
      for (const { removeHandlers } of followed) removeHandlers();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await worker.stop();
      await Promise.all([
        loading,
        members.stop(),
        ...followed.map(({ informer }) => deps.informers.release(informer)),
      ]);
    },
  };
}

async function federatedNamespaceResource(
  host: KubeClient,
  kubefedNamespace: string,
): Promise<ResourceRef> {
  const ftc = applyTypeConfigDefaults(
    (await host.get(federatedTypeConfigsResource, NAMESPACES_TYPE_CONFIG, {
      namespace: kubefedNamespace,
    })) as FederatedTypeConfig,
  );
  return resourceRefOf(ftc.spec.federatedType, true);
}
