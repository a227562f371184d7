// What every part of one sync controller's reconcile shares: the type it propagates, its caches,
// its writers. Built once by `startSyncController`; no module-level state. Each reconcile also
// gets a signal, which ends with the leadership term: it goes into every request.
import type { TargetType } from '../../federation/propagation/render.ts';
import type { KubeClient } from '../../kube/client.ts';
import type { Informer } from '../../kube/informer.ts';
import type { ResourceRef } from '../../kube/resource.ts';
import type { EventRecorder } from '../../runtime/events.ts';
import type { Logger } from '../../runtime/logger.ts';
import type { KubeFedMetrics } from '../../runtime/metrics.ts';
import type { FederatedInformer } from '../../multicluster/federated-informer.ts';
import type { RejectedWrites } from '../../federation/propagation/rejected-writes.ts';
import type { MemberWriter } from './member-writer.ts';
import type { StatusCollection } from './status-collection.ts';
import type { VersionStore } from './versions.ts';
import type { MemberRewrites } from './member-rewrites.ts';

export interface SyncContext {
  /** The worker's name, the lower-case federated kind: the `controller` label of metrics. */
  controllerName: string;
  host: KubeClient;
  kubefedNamespace: string;
  /** The federated type on the host. */
  federatedResource: ResourceRef;
  /** The target type in the members. */
  targetResource: ResourceRef;
  target: TargetType;
  /** The FTC is `namespaces`. */
  targetIsNamespace: boolean;
  targetNamespaced: boolean;
  /** Namespaced control plane (KubeFedConfig `scope: Namespaced`). */
  limitedScope: boolean;
  federated: Informer;
  /** FederatedNamespaces on the host; namespaced targets only. */
  federatedNamespaces: Informer | undefined;
  /** Namespaces on the host; namespace type only. */
  hostNamespaces: Informer | undefined;
  members: FederatedInformer;
  /** Every member request goes through it. */
  writer: MemberWriter;
  versions: VersionStore;
  /** Member writes rejected for what the object is: held back until the object changes. */
  rejectedWrites: RejectedWrites;
  /** What passes collect from the member objects into the status, and the changes not yet collected. */
  statusCollection: StatusCollection;
  /** The last write to each member object, to stop update loops (rewrite-guard.ts). */
  rewrites: MemberRewrites;
  events: EventRecorder;
  logger: Logger;
  metrics: KubeFedMetrics;
  /** `KubeFedConfig.spec.syncController.adoptResources` is `Enabled`. */
  adoptResources: boolean;
  /** Budget of all member operations of one pass (spec §7.7: 30 s). */
  operationTimeoutMs: number;
  now: () => number;
}
