// One scheduling decision for an RSP and its federated object, from what was read of the host and
// the members: the candidate clusters (spec §9.2 step 5, limited to where the object's namespace
// is), then the replicas to write per cluster (steps 8–9, the ready hand-over, the unreachable
// clusters kept placed). Pure. `kubefedctl get rsp` explains its rows with it; the RSP controller
// makes the same calls, so what the CLI shows is what the controller writes.
import type { ReplicaSchedulingPreferenceSpec } from '../../apis/types.ts';
import {
  computePlacement,
  resourcePlacement,
  type PlacementCluster,
  type PlacementResult,
} from '../propagation/placement.ts';
import type { KubeObject } from '../../json/object.ts';
import { keepUnreachable } from './placed-replicas.ts';
import { planReplicas, type ReplicaPlan } from './planner.ts';
import { handOverReady, type ClusterReplicas } from './ready-handover.ts';
import { scheduledReplicas } from './write-back.ts';

/**
 * The FederatedTypeConfigs whose federated kinds an RSP can schedule (spec §9.1), by FTC name;
 * `spec.targetKind` names the kind.
 */
export const SCHEDULED_TYPE_CONFIGS: ReadonlyMap<string, string> = new Map([
  ['deployments.apps', 'FederatedDeployment'],
  ['replicasets.apps', 'FederatedReplicaSet'],
]);

/** Where the object's namespace is: its FederatedNamespace's placement, everywhere in a namespaced control plane. */
export function namespacePlacement(
  fedNamespace: KubeObject | undefined,
  registered: readonly PlacementCluster[],
  limitedScope: boolean,
): PlacementResult {
  if (fedNamespace !== undefined) return resourcePlacement(fedNamespace, registered);
  const clusters = limitedScope ? registered.map((c) => c.name).sort() : [];
  return { ok: true, clusters, namespaceNotFederated: !limitedScope, unknownClusters: [] };
}

/**
 * The clusters the object may run in, ready or not: its namespace's placement, and with
 * `intersectWithClusterSelector` what its own cluster selector picks.
 */
export function allowedClusters(
  spec: Pick<ReplicaSchedulingPreferenceSpec, 'intersectWithClusterSelector'>,
  fed: KubeObject,
  registered: readonly PlacementCluster[],
  fedNamespace: KubeObject | undefined,
  limitedScope: boolean,
): PlacementResult {
  if (spec.intersectWithClusterSelector !== true) {
    return namespacePlacement(fedNamespace, registered, limitedScope);
  }
  return computePlacement(fed, registered, fedNamespace, {
    targetNamespaced: true,
    limitedScope,
    selectorOnly: true,
  });
}

/** What a member workload runs, as the planner counts it. */
export interface ClusterWorkload extends ClusterReplicas {
  /** What the cluster can run, when its pods cannot all be scheduled. */
  capacity?: number | undefined;
}

export interface Schedule {
  /** The planner's answer. */
  plan: ReplicaPlan;
  /** Replicas to write per cluster: the plan with its overflow, the hand-over, the unreachable kept. */
  scheduled: Map<string, number>;
}

/**
 * The replicas per cluster for `candidates` (ready and allowed, sorted); `workloads` holds the
 * candidates whose member workload exists; `unreachable` the registered clusters that are not
 * ready; `key` is the RSP's `namespace/name`.
 */
export function scheduleReplicas(
  spec: Pick<ReplicaSchedulingPreferenceSpec, 'totalReplicas' | 'rebalance' | 'clusters'>,
  fed: KubeObject,
  candidates: readonly string[],
  workloads: ReadonlyMap<string, ClusterWorkload>,
  unreachable: readonly PlacementCluster[],
  key: string,
): Schedule {
  const { current, capacity } = plannerInputs(workloads);
  const plan = planReplicas(spec, candidates, current, capacity, key);
  const scheduled = keepUnreachable(
    fed,
    handOverReady(scheduledReplicas(plan), workloads, spec.totalReplicas),
    unreachable,
  );
  return { plan, scheduled };
}

/** The planner's `current` (ready replicas) and `capacity` maps from the member workloads. */
export function plannerInputs(workloads: ReadonlyMap<string, ClusterWorkload>): {
  current: Map<string, number>;
  capacity: Map<string, number>;
} {
  const current = new Map<string, number>();
  const capacity = new Map<string, number>();
  for (const [cluster, workload] of workloads) {
    current.set(cluster, workload.ready);
    if (workload.capacity !== undefined) capacity.set(cluster, workload.capacity);
  }
  return { current, capacity };
}
