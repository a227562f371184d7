// The replicas a member workload (Deployment or ReplicaSet) runs now, and its cluster's capacity
// when pods cannot be scheduled there: the planner's `current` and `capacity` (spec §9.2 step 6).
// Pure: the controller lists the pods this asks for and passes their analysis back.
//
// Deliberate differences from KubeFed:
// - Pods are listed with the workload's whole selector (matchExpressions too, not only
//   matchLabels), so pods of another workload that match the labels alone are not counted, and a
//   selector of expressions only works.
// - A capacity is never below 0 (surge pods of a rollout can outnumber `spec.replicas`).
import type { LabelSelector } from '../../apis/types.ts';
import { isJsonObject, type KubeObject } from '../../json/object.ts';
import { parseLabelSelector, type LabelRequirement } from '../propagation/label-selector.ts';
import type { PodAnalysis } from './pod-analysis.ts';

export type MemberReplicaState =
  /** `spec.replicas` equals `status.readyReplicas`: every replica runs. */
  | { kind: 'settled'; current: number }
  /**
   * Some replicas are not ready: list the pods matching `podSelector` (`labelSelector` query
   * syntax) in the workload's namespace and pass their analysis to `replicaStateFromPods`.
   */
  | { kind: 'podsNeeded'; replicas: number; podSelector: string }
  /** Pods are needed but the workload has no selector to find them by. */
  | { kind: 'invalid'; error: string };

/** `current`, and `capacity` when the cluster cannot run every replica it was given. */
export interface ClusterReplicaState {
  current: number;
  capacity?: number;
}

/** What a member workload object says by itself (absent counts are 0). */
export function memberReplicaState(member: KubeObject): MemberReplicaState {
  const spec = isJsonObject(member['spec']) ? member['spec'] : {};
  const status = isJsonObject(member['status']) ? member['status'] : {};
  const replicas = count(spec['replicas']);
  const ready = count(status['readyReplicas']);
  if (replicas === ready) return { kind: 'settled', current: ready };
  const parsed = parseLabelSelector(spec['selector'] as LabelSelector | undefined);
  if (!parsed.ok) {
    return { kind: 'invalid', error: `invalid spec.selector: ${parsed.errors.join('; ')}` };
  }
  // Absent selects no pod, empty every pod of the namespace: neither finds the workload's pods
  // (the API server rejects both for Deployments and ReplicaSets).
  if (parsed.selector.kind !== 'requirements') {
    return { kind: 'invalid', error: "spec.selector does not select the workload's pods" };
  }
  const podSelector = parsed.selector.requirements.map(formatRequirement).join(',');
  return { kind: 'podsNeeded', replicas, podSelector };
}

/**
 * The state of a cluster whose workload's pods were analysed: running-and-ready pods are the
 * current replicas; pods unschedulable for the threshold lower the capacity below `replicas`.
 */
export function replicaStateFromPods(replicas: number, pods: PodAnalysis): ClusterReplicaState {
  if (pods.unschedulable === 0) return { current: pods.runningAndReady };
  return {
    current: pods.runningAndReady,
    capacity: Math.max(0, replicas - pods.unschedulable),
  };
}

// --- internals ---------------------------------------------------------------------------------

function count(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

/** One requirement in the `labelSelector` query syntax of the API server. */
function formatRequirement({ key, operator, values }: LabelRequirement): string {
  switch (operator) {
    case 'In':
      return values.length === 1 ? `${key}=${values.join('')}` : `${key} in (${values.join(',')})`;
    case 'NotIn':
      return `${key} notin (${values.join(',')})`;
    case 'Exists':
      return key;
    case 'DoesNotExist':
      return `!${key}`;
  }
}
