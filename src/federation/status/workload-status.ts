// The aggregated workload status of a federated workload (kubefed-ts, additive to KubeFed's
// status): `status.workload` sums the placed clusters' counts, and the `Ready` condition says
// whether the workload is ready (Job: complete) everywhere it is placed. Time is passed in;
// nothing here reads a clock.
import { isDeepStrictEqual } from 'node:util';
import { kubeTime } from '../../apis/time.ts';
import type {
  ClusterWorkloadStatus,
  FederatedObjectStatus,
  WorkloadReadyCondition,
  WorkloadStatus,
} from '../../apis/types.ts';
import { compareUtf8 } from '../../json/canonical-json.ts';
import { WORKLOAD_READY_CONDITION_TYPE, type WorkloadKind } from '../../apis/workload-types.ts';

/** `status.workload` from the entries of every placed cluster. */
export function aggregateWorkload(
  kind: WorkloadKind,
  entries: readonly ClusterWorkloadStatus[],
): WorkloadStatus {
  const clusters = [...entries].sort((a, b) => compareUtf8(a.name, b.name));
  const sum = (field: keyof ClusterWorkloadStatus): number =>
    clusters.reduce((total, c) => total + (typeof c[field] === 'number' ? c[field] : 0), 0);
  const readyClusters = `${String(clusters.filter((c) => c.ready).length)}/${String(clusters.length)}`;
  if (kind === 'Job') {
    const completions = sum('completions');
    const succeeded = sum('succeeded');
    return {
      ready: `${String(succeeded)}/${String(completions)}`,
      readyClusters,
      completions,
      succeeded,
      failed: sum('failed'),
      active: sum('active'),
      clusters,
    };
  }
  const replicas = sum('replicas');
  const readyReplicas = sum('readyReplicas');
  return {
    ready: `${String(readyReplicas)}/${String(replicas)}`,
    readyClusters,
    replicas,
    updatedReplicas: sum('updatedReplicas'),
    readyReplicas,
    availableReplicas: sum('availableReplicas'),
    clusters,
  };
}

/** The `Ready` condition's status, reason and message for an aggregate. */
export function readyCondition(
  kind: WorkloadKind,
  workload: WorkloadStatus,
): Pick<WorkloadReadyCondition, 'status' | 'reason' | 'message'> {
  const placed = workload.clusters.length;
  if (placed === 0) {
    return {
      status: 'False',
      reason: 'NotPlaced',
      message: 'The workload is placed in no cluster',
    };
  }
  const notReady = workload.clusters.filter((c) => !c.ready);
  if (notReady.length === 0) {
    const state = kind === 'Job' ? 'complete' : 'ready';
    return {
      status: 'True',
      reason: 'WorkloadReady',
      message: `The workload is ${state} in all ${String(placed)} placed clusters`,
    };
  }
  const failed = notReady.filter((c) => c.reason === 'JobFailed');
  const state = kind === 'Job' ? 'complete' : 'ready';
  const described = notReady.map((c) => `${c.name} (${describe(kind, c)})`).join(', ');
  return {
    status: 'False',
    reason: failed.length > 0 ? 'JobFailed' : 'ClustersNotReady',
    message: `Not ${state} in ${String(notReady.length)} of ${String(placed)} clusters: ${described}`,
  };
}

/**
 * Sets `status.workload` and the `Ready` condition on `status` (in place); true when either
 * changed. The condition's lastTransitionTime moves when its status or reason changes,
 * lastUpdateTime when anything in it does.
 */
export function applyWorkloadStatus(
  status: FederatedObjectStatus,
  kind: WorkloadKind,
  workload: WorkloadStatus,
  now: number,
): boolean {
  // Compared as it reads back from JSON (no undefined members).
  const workloadChanged = !isDeepStrictEqual(status.workload, JSON.parse(JSON.stringify(workload)));
  if (workloadChanged) status.workload = workload;
  const wanted = readyCondition(kind, workload);
  const conditions = status.conditions ?? [];
  status.conditions = conditions;
  const existing = conditions.find(
    (c): c is WorkloadReadyCondition => c.type === WORKLOAD_READY_CONDITION_TYPE,
  );
  const stamp = kubeTime(now);
  if (existing === undefined) {
    conditions.push({
      type: WORKLOAD_READY_CONDITION_TYPE,
      ...wanted,
      lastUpdateTime: stamp,
      lastTransitionTime: stamp,
    });
    return true;
  }
  const transition = existing.status !== wanted.status || existing.reason !== wanted.reason;
  const updated = transition || existing.message !== wanted.message;
  if (transition) existing.lastTransitionTime = stamp;
  if (updated) {
    Object.assign(existing, wanted);
    existing.lastUpdateTime = stamp;
  }
  return workloadChanged || updated;
}

// --- internals ---------------------------------------------------------------------------------

function describe(kind: WorkloadKind, c: ClusterWorkloadStatus): string {
  if (c.reason === 'ClusterNotReady') return 'cluster not ready';
  if (c.reason === 'NotFound') return 'not created yet';
  if (kind === 'Job') {
    const counts = `${String(c.succeeded ?? 0)}/${String(c.completions ?? 0)} succeeded`;
    return c.reason === 'JobFailed' ? `failed, ${counts}` : counts;
  }
  return `${String(c.readyReplicas ?? 0)}/${String(c.replicas ?? 0)} ready`;
}
