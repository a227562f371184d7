// What the pods of a member workload say about its cluster (spec §9.4): how many run and are
// ready, and how many the cluster's scheduler has failed to place for a while, which lowers the
// capacity the planner assumes for that cluster. Time is passed in; nothing here reads a clock.
//
// Deliberate differences from KubeFed:
// - A Running pod counts as ready only when its Ready condition is True; KubeFed counted any pod
//   that had a Ready condition, whatever its status (spec §16).
// - A pod counts as unschedulable once it has been so for the threshold, not strictly longer as
//   in KubeFed, so that a requeue at exactly `recheckAt` sees it cross.
// - `recheckAt` says when the next pod crosses the threshold, so the controller can come back
//   exactly then instead of after a fixed retry delay.
import { isJsonObject } from '../../json/object.ts';

/** KubeFed's threshold: a pod unschedulable for this long reduces its cluster's capacity. */
export const UNSCHEDULABLE_THRESHOLD_MS = 60_000;

export interface PodAnalysis {
  total: number;
  /** Running pods whose Ready condition is True. */
  runningAndReady: number;
  /** Pods unschedulable for at least the threshold. */
  unschedulable: number;
  /** Pods unschedulable now, for however long. */
  unschedulableNow: number;
  /**
   * When the first pod that is unschedulable, but not yet for the threshold, crosses it (epoch
   * ms). Present exactly when `unschedulableNow > unschedulable`: the analysis must be redone
   * then.
   */
  recheckAt?: number;
}

/** Analyses the pods of one workload in one cluster at time `now` (epoch ms). */
export function analyzePods(
  pods: readonly unknown[],
  now: number,
  thresholdMs: number = UNSCHEDULABLE_THRESHOLD_MS,
): PodAnalysis {
  let runningAndReady = 0;
  let unschedulable = 0;
  let unschedulableNow = 0;
  let recheckAt = Infinity;
  for (const pod of pods) {
    const status = isJsonObject(pod) ? pod['status'] : undefined;
    const phase = isJsonObject(status) ? status['phase'] : undefined;
    if (phase === 'Running') {
      if (conditionOf(status, 'Ready')?.['status'] === 'True') runningAndReady++;
      continue;
    }
    const scheduled = conditionOf(status, 'PodScheduled');
    if (scheduled?.['status'] !== 'False' || scheduled['reason'] !== 'Unschedulable') continue;
    unschedulableNow++;
    const crossesAt = transitionTime(scheduled) + thresholdMs;
    if (crossesAt <= now) unschedulable++;
    else recheckAt = Math.min(recheckAt, crossesAt);
  }
  return {
    total: pods.length,
    runningAndReady,
    unschedulable,
    unschedulableNow,
    ...(recheckAt === Infinity ? {} : { recheckAt }),
  };
}

// --- internals ---------------------------------------------------------------------------------

function conditionOf(status: unknown, type: string): Record<string, unknown> | undefined {
  const conditions = isJsonObject(status) ? status['conditions'] : undefined;
  if (!Array.isArray(conditions)) return undefined;
  return conditions.find(
    (c): c is Record<string, unknown> => isJsonObject(c) && c['type'] === type,
  );
}

/**
 * `lastTransitionTime` in epoch ms. Absent or unreadable reads as long ago, as Go's zero time
 * does: the pod counts as unschedulable at once.
 */
function transitionTime(condition: Record<string, unknown>): number {
  const text = condition['lastTransitionTime'];
  const ms = typeof text === 'string' ? Date.parse(text) : NaN;
  return Number.isNaN(ms) ? -Infinity : ms;
}
