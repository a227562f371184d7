// Cluster health: from one probe of a member's /healthz to the conditions a KubeFedCluster
// publishes. Pure: the caller probes, passes the time, and writes the result.
//
// Thresholds work the way users read them (and unlike the original, whose counter ran from the
// last flip, so one failed probe after a long healthy spell flipped a cluster at once): a ready
// cluster turns not ready only after `failureThreshold` consecutive failed probes, and a not-ready
// one turns ready only after `successThreshold` consecutive good probes. In between, the
// previous conditions stay, stamped with the new probe time.
import {
  ClusterConditionMessage,
  ClusterConditionReason,
  ClusterConditionType,
  ConditionStatus,
  clusterNotReachableMessage,
} from '../apis/constants.ts';
import type { ClusterCondition } from '../apis/types.ts';

export type { ClusterCondition };

export type ProbeOutcome =
  | { kind: 'ok' }
  | { kind: 'notOk' }
  | { kind: 'unreachable'; error: string }
  | { kind: 'malformed' };

/** The conditions one probe stands for (spec §2.1), all stamped with `now`. */
export function conditionsForProbe(outcome: ProbeOutcome, now: string): ClusterCondition[] {
  const stamp = { lastProbeTime: now, lastTransitionTime: now };
  switch (outcome.kind) {
    case 'ok':
      return [
        {
          type: ClusterConditionType.Ready,
          status: ConditionStatus.True,
          ...stamp,
          reason: ClusterConditionReason.Ready,
          message: ClusterConditionMessage.Ready,
        },
      ];
    case 'notOk':
      return [
        {
          type: ClusterConditionType.Ready,
          status: ConditionStatus.False,
          ...stamp,
          reason: ClusterConditionReason.NotReady,
          message: ClusterConditionMessage.NotReady,
        },
        {
          type: ClusterConditionType.Offline,
          status: ConditionStatus.False,
          ...stamp,
          reason: ClusterConditionReason.Reachable,
          message: ClusterConditionMessage.Reachable,
        },
      ];
    case 'unreachable':
      return [
        {
          type: ClusterConditionType.Offline,
          status: ConditionStatus.True,
          ...stamp,
          reason: ClusterConditionReason.NotReachable,
          message: clusterNotReachableMessage(outcome.error),
        },
      ];
    case 'malformed':
      return [
        {
          type: ClusterConditionType.ConfigMalformed,
          status: ConditionStatus.True,
          ...stamp,
          reason: ClusterConditionReason.ConfigMalformed,
          message: ClusterConditionMessage.ConfigMalformed,
        },
      ];
  }
}

/** A cluster is ready iff some condition is `Ready=True`. */
export function isClusterReady(conditions: readonly ClusterCondition[] | undefined): boolean {
  return (conditions ?? []).some(
    (c) => c.type === ClusterConditionType.Ready && c.status === ConditionStatus.True,
  );
}

export interface HealthThresholds {
  failureThreshold: number;
  successThreshold: number;
}

/** What the health checker remembers about one cluster between probes. */
export interface HealthRecord {
  conditions: ClusterCondition[];
  /** Consecutive probes that disagreed with the published readiness. */
  disagreeingProbes: number;
}

/**
 * The conditions to publish after a probe, given what was published before (`undefined` for the
 * first probe of a cluster, which is published as it is).
 */
export function nextHealthRecord(
  previous: HealthRecord | undefined,
  probed: ClusterCondition[],
  thresholds: HealthThresholds,
  now: string,
): HealthRecord {
  if (previous === undefined) return { conditions: probed, disagreeingProbes: 0 };
  const probedReady = isClusterReady(probed);
  if (probedReady === isClusterReady(previous.conditions)) {
    return { conditions: keepTransitionTimes(previous.conditions, probed), disagreeingProbes: 0 };
  }
  const disagreeing = previous.disagreeingProbes + 1;
  const threshold = probedReady ? thresholds.successThreshold : thresholds.failureThreshold;
  if (disagreeing >= threshold) return { conditions: probed, disagreeingProbes: 0 };
  return {
    conditions: previous.conditions.map((c) => ({ ...c, lastProbeTime: now })),
    disagreeingProbes: disagreeing,
  };
}

/** A condition whose type and status did not change keeps the time it last changed. */
function keepTransitionTimes(
  previous: readonly ClusterCondition[],
  probed: ClusterCondition[],
): ClusterCondition[] {
  return probed.map((c) => {
    const before = previous.find((p) => p.type === c.type && p.status === c.status);
    return before?.lastTransitionTime === undefined
      ? c
      : { ...c, lastTransitionTime: before.lastTransitionTime };
  });
}

/** The `status` a KubeFedCluster gets: conditions, and the version only while ready. */
export function clusterStatus(
  record: HealthRecord,
  kubernetesVersion: string | undefined,
): { conditions: ClusterCondition[]; kubernetesVersion?: string } {
  return isClusterReady(record.conditions) && kubernetesVersion !== undefined
    ? { conditions: record.conditions, kubernetesVersion }
    : { conditions: record.conditions };
}

/** The `state` label of `kubefedcluster_total`: ConfigMalformed counts as notready. */
export function clusterHealthState(
  conditions: readonly ClusterCondition[],
): 'ready' | 'notready' | 'offline' {
  if (isClusterReady(conditions)) return 'ready';
  const offline = conditions.some(
    (c) => c.type === ClusterConditionType.Offline && c.status === ConditionStatus.True,
  );
  return offline ? 'offline' : 'notready';
}
