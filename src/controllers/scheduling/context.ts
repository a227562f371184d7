// What every pass of the ReplicaSchedulingPreference controller shares; built once by the
// controller, no module-level state.
import type { KubeClient } from '../../kube/client.ts';
import type { Informer } from '../../kube/informer.ts';
import type { ResourceRef } from '../../kube/resource.ts';
import type { KubeObject } from '../../json/object.ts';
import type { ClusterRegistry } from '../../multicluster/cluster-registry.ts';
import type { FederatedInformer } from '../../multicluster/federated-informer.ts';
import type { EventRecorder } from '../../runtime/events.ts';
import type { Logger } from '../../runtime/logger.ts';

/** One schedulable federated kind (FederatedDeployment, FederatedReplicaSet) while its FTC is enabled. */
export interface SchedulingPlugin {
  /** The federated kind, as RSPs name it in `spec.targetKind`. */
  kind: string;
  federatedResource: ResourceRef;
  /** The federated objects on the host. */
  federated: Informer;
  /** The FederatedNamespaces on the host (for `intersectWithClusterSelector`). */
  federatedNamespaces: Informer;
  /** The managed member workloads. */
  members: FederatedInformer;
}

export interface SchedulingContext {
  host: KubeClient;
  preferences: Informer;
  clusters: ClusterRegistry;
  /** By federated kind. */
  plugins: ReadonlyMap<string, SchedulingPlugin>;
  /** The federated kinds an RSP may target. */
  knownKinds: readonly string[];
  limitedScope: boolean;
  /** Pods unschedulable this long lower their cluster's capacity (KubeFed: 60 s). */
  unschedulableThresholdMs: number;
  events: EventRecorder;
  logger: Logger;
  /**
   * A Warning Event on the RSP, once per (RSP generation, reason): the problem is the RSP's or its
   * object's, and the next change of either retries.
   */
  reportOnce: (rsp: KubeObject, reason: string, message: string) => void;
  now: () => number;
}
