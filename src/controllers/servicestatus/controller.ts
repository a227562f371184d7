// The legacy status controller (spec §8.1): the FederatedTypeConfig controller starts one for the
// `services` FTC when it sets `statusCollection: Enabled` and a `statusType` and the
// RawResourceStatusCollection gate is off. It follows the federated Services and their status
// objects through the shared host informers, the managed member Services through a federated
// informer over the shared cluster registry, and the clusters' availability; handlers only
// enqueue `ns/name`, the pass in `reconcile.ts` does the work.
import { ResourceScope } from '../../apis/constants.ts';
import { apiVersionOf, federatedIsNamespaced, targetIsNamespaced } from '../../apis/typeconfig.ts';
import type { FederatedTypeConfig } from '../../apis/types.ts';
import { qualifiedName, type KubeObject } from '../../json/object.ts';
import type { Informer, InformerEventHandlers } from '../../kube/informer.ts';
import { resourceRefOf, type ResourceRef } from '../../kube/resource.ts';
import { FederatedInformer } from '../../multicluster/federated-informer.ts';
import {
  typeControllerWorker,
  type RunningTypeController,
  type TypeControllerDeps,
} from '../typeconfig/controller.ts';
import { reconcileServiceStatus, type ServiceStatusContext } from './reconcile.ts';

/** `maxConcurrentReconciles` is `statusController.maxConcurrentReconciles`. */
export type ServiceStatusControllerDeps = TypeControllerDeps;

/** `ftc` has its defaults applied and a `statusType` (the FTC controller's plan checks both). */
export function startServiceStatusController(
  ftc: FederatedTypeConfig,
  deps: ServiceStatusControllerDeps,
): RunningTypeController {
  const statusType = ftc.spec.statusType;
  if (statusType === undefined) {
    throw new Error(
      `FederatedTypeConfig "${ftc.metadata?.name ?? ''}" has no spec.statusType: no status controller can run`,
    );
  }
  const federatedType = ftc.spec.federatedType;
  const name = statusType.kind.toLowerCase();
  const logger = deps.logger.child({ controller: name });
  const targetNamespaced = targetIsNamespaced(ftc);
  const federatedResource = resourceRefOf(federatedType, federatedIsNamespaced(ftc));
  const statusResource = resourceRefOf(statusType, statusType.scope === ResourceScope.Namespaced);

  const worker = typeControllerWorker(name, logger, deps, (key, signal) =>
    reconcileServiceStatus(ctx, key, signal),
  );
  const enqueueObject = (obj: KubeObject): void => {
    worker.enqueue(qualifiedName(obj));
  };

  // Both host informers are shared (the sync controller of `services` reads the same federated
  // Services): add handlers, and on stop remove them and release the informers.
  const followed: { informer: Informer; removeHandlers: () => void }[] = [];
  const follow = (resource: ResourceRef, handlers: InformerEventHandlers): Informer => {
    const informer = deps.informers.informer(resource, deps.targetNamespace);
    followed.push({ informer, removeHandlers: informer.addEventHandler(handlers) });
    return informer;
  };
  const federated = follow(federatedResource, {
    onAdd: enqueueObject,
    // Only existence matters here (a deleted one's status object is garbage collected): the sync
    // controller's status writes need no pass. A different uid is a re-created object.
    onUpdate: (old, obj) => {
      if (old.metadata?.uid !== obj.metadata?.uid) enqueueObject(obj);
    },
  });
  const statuses = follow(statusResource, {
    onAdd: enqueueObject,
    onUpdate: (_old, obj) => enqueueObject(obj),
    onDelete: enqueueObject,
  });
  const enqueueAll = (): void => {
    for (const key of federated.keys()) worker.enqueue(key);
  };

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
    target: resourceRefOf(ftc.spec.targetType, targetNamespaced),
    targetNamespace: targetNamespaced ? deps.targetNamespace : undefined,
    logger,
    onClusterAvailable: (cluster) => {
      logger.v(2).info('Member cluster available', { cluster });
      afterDelay(deps.clusterAvailableDelayMs, enqueueAll);
    },
    onClusterUnavailable: (cluster) => {
      logger.v(2).info('Member cluster unavailable', { cluster });
      afterDelay(deps.clusterUnavailableDelayMs, enqueueAll);
    },
    onMemberEvent: (key) => {
      worker.enqueueForRetry(key);
    },
  });

  const ctx: ServiceStatusContext = {
    host: deps.host,
    statusResource,
    federatedType: { apiVersion: apiVersionOf(federatedType), kind: federatedType.kind },
    statusType: { apiVersion: apiVersionOf(statusType), kind: statusType.kind },
    federated,
    statuses,
    members,
    logger,
    metrics: deps.metrics,
  };

  members.start();
  // A standby's caches sync and its queue fills; the passes start when the process leads.
  const cancelLeading = deps.leadership.whenLeading(() => {
    worker.start();
    enqueueAll();
  });
  return {
    async stop() {
      cancelLeading();
      for (const { removeHandlers } of followed) removeHandlers();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await worker.stop();
      await Promise.all([
        members.stop(),
        ...followed.map(({ informer }) => deps.informers.release(informer)),
      ]);
    },
  };
}
