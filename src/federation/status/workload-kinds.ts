// What one member cluster's workload object says about readiness, per workload kind. The rules
// are those of `kubectl rollout status` (and, for Jobs, the Complete/Failed conditions), read from
// the member object's spec and status. Pure.
import type { ClusterWorkloadStatus, WorkloadCounts } from '../../apis/types.ts';
import type { WorkloadKind } from '../../apis/workload-types.ts';
import { isJsonObject, type KubeObject } from '../../json/object.ts';

/** Why a placed cluster's workload is not ready. */
export type ClusterWorkloadReason = 'ClusterNotReady' | 'NotFound' | 'Progressing' | 'JobFailed';

export interface ClusterWorkloadInput {
  name: string;
  /** The KubeFedCluster is Ready (its objects can be read). */
  clusterReady: boolean;
  /** The member object as last seen (the answer to this pass's write, else the cache). */
  observed: KubeObject | undefined;
  /** The object the federated one renders to in this cluster: its desired counts when `observed` is missing. */
  desired: KubeObject | undefined;
}

/** One placed cluster's entry of `status.workload.clusters`. */
export function clusterWorkload(
  kind: WorkloadKind,
  input: ClusterWorkloadInput,
): ClusterWorkloadStatus {
  const source = input.observed ?? input.desired;
  const counts = source === undefined ? emptyCounts(kind) : countsOf(kind, source);
  const entry: ClusterWorkloadStatus = { name: input.name, ready: false, ...counts };
  if (!input.clusterReady) return { ...entry, reason: 'ClusterNotReady' };
  if (input.observed === undefined) return { ...entry, reason: 'NotFound' };
  const verdict = readiness(kind, input.observed);
  if (verdict === 'ready') return { ...entry, ready: true };
  return { ...entry, reason: verdict };
}

// --- internals ---------------------------------------------------------------------------------

function emptyCounts(kind: WorkloadKind): WorkloadCounts {
  return kind === 'Job'
    ? { completions: 0, succeeded: 0, failed: 0, active: 0 }
    : { replicas: 0, updatedReplicas: 0, readyReplicas: 0, availableReplicas: 0 };
}

function section(obj: KubeObject, name: 'spec' | 'status'): Record<string, unknown> {
  const value = obj[name];
  return isJsonObject(value) ? value : {};
}

function count(from: Record<string, unknown>, field: string, fallback = 0): number {
  const value = from[field];
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/** Desired and observed counts, in the names `status.workload` uses for every kind. */
function countsOf(kind: WorkloadKind, obj: KubeObject): WorkloadCounts {
  const spec = section(obj, 'spec');
  const status = section(obj, 'status');
  switch (kind) {
    case 'Job':
      return {
        // A Job without completions needs one success (a work queue ends with its first).
        completions: count(spec, 'completions', 1),
        succeeded: count(status, 'succeeded'),
        failed: count(status, 'failed'),
        active: count(status, 'active'),
      };
    case 'DaemonSet':
      // Its desired count is the number of eligible nodes, known only from its status.
      return {
        replicas: count(status, 'desiredNumberScheduled'),
        updatedReplicas: count(status, 'updatedNumberScheduled'),
        readyReplicas: count(status, 'numberReady'),
        availableReplicas: count(status, 'numberAvailable'),
      };
    case 'ReplicaSet':
      // A ReplicaSet has no rollout: all its replicas are of its one template.
      return {
        replicas: count(spec, 'replicas', 1),
        updatedReplicas: count(status, 'fullyLabeledReplicas'),
        readyReplicas: count(status, 'readyReplicas'),
        availableReplicas: count(status, 'availableReplicas'),
      };
    case 'Deployment':
    case 'StatefulSet':
      return {
        replicas: count(spec, 'replicas', 1),
        updatedReplicas: count(status, 'updatedReplicas'),
        readyReplicas: count(status, 'readyReplicas'),
        availableReplicas: count(status, 'availableReplicas'),
      };
  }
}

function readiness(kind: WorkloadKind, obj: KubeObject): 'ready' | ClusterWorkloadReason {
  const status = section(obj, 'status');
  if (kind === 'Job') {
    if (hasTrueCondition(status, 'Complete')) return 'ready';
    return hasTrueCondition(status, 'Failed') ? 'JobFailed' : 'Progressing';
  }
  // The status must describe the current spec: the workload controller has seen this generation.
  const generation = obj.metadata?.generation ?? 0;
  if (count(status, 'observedGeneration') < generation) return 'Progressing';
  const c = countsOf(kind, obj);
  const desired = c.replicas ?? 0;
  const updated = c.updatedReplicas ?? 0;
  const allReady = (c.readyReplicas ?? 0) >= desired && (c.availableReplicas ?? 0) >= desired;
  let done: boolean;
  switch (kind) {
    case 'Deployment':
      // Every replica updated and no old one left (status.replicas counts both).
      done = allReady && updated >= desired && count(status, 'replicas') <= updated;
      break;
    case 'StatefulSet': {
      // OnDelete updates only when pods are deleted by hand: its rollout never "completes".
      const strategy = section(obj, 'spec')['updateStrategy'];
      const onDelete = isJsonObject(strategy) && strategy['type'] === 'OnDelete';
      done = allReady && (onDelete || updated >= desired);
      break;
    }
    case 'DaemonSet':
      done = allReady && updated >= desired;
      break;
    case 'ReplicaSet':
      done = allReady && count(status, 'replicas') === desired;
      break;
  }
  return done ? 'ready' : 'Progressing';
}

function hasTrueCondition(status: Record<string, unknown>, type: string): boolean {
  const conditions = status['conditions'];
  if (!Array.isArray(conditions)) return false;
  return conditions.some((c) => isJsonObject(c) && c['type'] === type && c['status'] === 'True');
}
