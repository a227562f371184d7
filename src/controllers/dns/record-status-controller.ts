// What the two record status controllers (ServiceDNS, IngressDNS) share: a reconcile worker, the
// records on the host (each add or update queues its key), member informers whose objects queue
// the record of the same namespace and name, and every record queued again whenever a cluster
// changes (readiness, region, zones) or becomes available or unavailable. Built on a standby; the
// worker starts, and every record is queued, once the process leads.
import type { KubeObject } from '../../json/object.ts';
import { qualifiedName } from '../../json/object.ts';
import type { Informer } from '../../kube/informer.ts';
import type { ResourceRef } from '../../kube/resource.ts';
import { FederatedInformer } from '../../multicluster/federated-informer.ts';
import type { Logger } from '../../runtime/logger.ts';
import { ReconcileWorker, type ReconcileResult } from '../../runtime/reconcile-worker.ts';
import { FollowedInformers, type DNSControllerDeps, type RunningDNSController } from './deps.ts';

/** How often a key waits for its caches to sync. */
const NOT_SYNCED_DELAY_MS = 1_000;

export interface RecordStatusController {
  logger: Logger;
  records: Informer;
  /** Host informers the controller follows beside the records (released on stop). */
  followed: FollowedInformers;
  enqueueAll: () => void;
  /** A member informer (managed objects only); `keyOf` files an object under another key. */
  members(target: ResourceRef, keyOf?: (obj: KubeObject) => string): FederatedInformer;
  /** Starts the member informers and, while leading, the worker. */
  start(): RunningDNSController;
}

export function recordStatusController(
  deps: DNSControllerDeps,
  opts: {
    name: string;
    records: ResourceRef;
    reconcile: (key: string, signal: AbortSignal) => Promise<ReconcileResult>;
  },
): RecordStatusController {
  const logger = deps.logger.child({ controller: opts.name });
  const worker = new ReconcileWorker({
    name: opts.name,
    logger,
    metrics: deps.metrics,
    clusterSyncDelayMs: NOT_SYNCED_DELAY_MS,
    signal: deps.leadership.signal,
    isLeading: () => deps.leadership.isLeading(),
    reconcile: opts.reconcile,
  });
  const enqueue = (obj: KubeObject): void => worker.enqueue(qualifiedName(obj));
  const followed = new FollowedInformers(deps.informers);
  const records = followed.follow(opts.records, deps.targetNamespace, {
    onAdd: enqueue,
    onUpdate: (_old, obj) => enqueue(obj),
  });
  const enqueueAll = (): void => {
    for (const key of records.keys()) worker.enqueue(key);
  };
  const memberInformers: FederatedInformer[] = [];
  return {
    logger,
    records,
    followed,
    enqueueAll,
    members(target, keyOf) {
      const informer = new FederatedInformer({
        clusters: deps.clusters,
        target,
        targetNamespace: deps.targetNamespace,
        logger,
        onClusterAvailable: enqueueAll,
        onClusterUnavailable: enqueueAll,
        onMemberEvent: (key) => worker.enqueue(key),
        ...(keyOf ? { keyOf } : {}),
      });
      memberInformers.push(informer);
      return informer;
    },
    start() {
      const unsubscribe = deps.clusters.onChange(enqueueAll);
      for (const informer of memberInformers) informer.start();
      const cancelLeading = deps.leadership.whenLeading(() => {
        worker.start();
        enqueueAll();
      });
      return {
        async stop() {
          cancelLeading();
          unsubscribe();
          followed.removeHandlers();
          await worker.stop();
          await Promise.all([...memberInformers.map((i) => i.stop()), followed.release()]);
        },
      };
    },
  };
}
