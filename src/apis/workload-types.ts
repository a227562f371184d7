// kubefed-ts, additive: which target types are workloads, whose federated objects carry
// `status.workload` and a `Ready` condition (types.ts), READY/CLUSTERS printer columns and READY
// columns in `kubefedctl get`. By group and kind, so every served version counts.

/** The condition kubefed-ts writes next to KubeFed's `Propagation` on workload types. */
export const WORKLOAD_READY_CONDITION_TYPE = 'Ready';

export type WorkloadKind = 'Deployment' | 'ReplicaSet' | 'StatefulSet' | 'DaemonSet' | 'Job';

/** How a workload counts readiness: ready/desired replicas, or a Job's succeeded/completions. */
export type WorkloadCounting = 'replicas' | 'completions';

const WORKLOAD_KINDS: ReadonlyMap<string, WorkloadKind> = new Map([
  ['apps/Deployment', 'Deployment'],
  ['apps/ReplicaSet', 'ReplicaSet'],
  ['apps/StatefulSet', 'StatefulSet'],
  ['apps/DaemonSet', 'DaemonSet'],
  ['batch/Job', 'Job'],
]);

/** The workload kind of a target type, or undefined when the type has no workload status. */
export function workloadKindOf(target: {
  group?: string | undefined;
  kind: string;
}): WorkloadKind | undefined {
  return WORKLOAD_KINDS.get(`${target.group ?? ''}/${target.kind}`);
}

/** How the target type counts readiness, or undefined when it is not a workload type. */
export function workloadCounting(target: {
  group?: string | undefined;
  kind: string;
}): WorkloadCounting | undefined {
  const kind = workloadKindOf(target);
  if (kind === undefined) return undefined;
  return kind === 'Job' ? 'completions' : 'replicas';
}
