// kubefed-ts, additive: which target types are workloads, whose federated objects carry
// `status.workload` and a `Ready` condition (types.ts), READY/CLUSTERS printer columns and READY
// columns in `kubefedctl get`. By group and kind, so every served version counts.

/** The condition kubefed-ts writes next to KubeFed's `Propagation` on workload types. */
export const WORKLOAD_READY_CONDITION_TYPE = 'Ready';

/** How a workload counts readiness: ready/desired replicas, or a Job's succeeded/completions. */
export type WorkloadCounting = 'replicas' | 'completions';

const WORKLOAD_KINDS: ReadonlyMap<string, WorkloadCounting> = new Map([
  ['apps/Deployment', 'replicas'],
  ['apps/ReplicaSet', 'replicas'],
  ['apps/StatefulSet', 'replicas'],
  ['apps/DaemonSet', 'replicas'],
  ['batch/Job', 'completions'],
]);

/** How the target type counts readiness, or undefined when it is not a workload type. */
export function workloadCounting(target: {
  group?: string | undefined;
  kind: string;
}): WorkloadCounting | undefined {
  return WORKLOAD_KINDS.get(`${target.group ?? ''}/${target.kind}`);
}
