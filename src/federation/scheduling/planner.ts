// The replica planner of a ReplicaSchedulingPreference (spec §9.3): how many of `totalReplicas`
// each available cluster should run, from the preferences (minimum, maximum, weight), the replicas
// already running (kept in place when `rebalance` is false) and the capacity seen in clusters
// whose pods could not be scheduled. Pure: no clock, no I/O.
//
// KubeFed's algorithm is reproduced step for step (the FNV-1 tie order included), so a plan
// matches the one a Go KubeFed computes, except where KubeFed contradicts the documented API.
// Deliberate differences:
// - A minimum above the maximum: KubeFed assigns the minimum and trims it to the maximum only if
//   a weighted round reaches the cluster (never for weight 0, nor when the minimums used up
//   every replica), so `maxReplicas` ("maximum number of replicas") could be exceeded. Here the
//   maximum wins: the effective minimum is min(minReplicas, maxReplicas).
// - Negative numbers (the CRD sets no lower bound): KubeFed computes with them and can plan
//   negative replicas, which no member accepts. Here every count (totalReplicas, minReplicas,
//   maxReplicas, weight, current, capacity) below 0 reads as 0.
// - `toDistribute × weight` is computed exactly (BigInt); KubeFed's int64 wraps for huge weights.
// - Clusters whose 32-bit hashes collide are ordered by name; Go's unstable sort left them in an
//   order that depended on the input order.
import type { ClusterPreferences, ReplicaSchedulingPreferenceSpec } from '../../apis/types.ts';
import { compareUtf8 } from '../../json/canonical-json.ts';
import { isJsonObject } from '../../json/object.ts';
import { fnv1Hash32 } from './fnv.ts';

/** What the planner reads of an RSP. */
export type PlannerPreferences = Pick<
  ReplicaSchedulingPreferenceSpec,
  'totalReplicas' | 'rebalance' | 'clusters'
>;

export interface ReplicaPlan {
  /** Replicas per available cluster; every one of them appears, possibly with 0. */
  plan: Map<string, number>;
  /**
   * Replicas a cluster would have got beyond its capacity. With `rebalance` they are a wish (the
   * plan already placed them elsewhere); without it, only what could not be placed anywhere.
   */
  overflow: Map<string, number>;
}

/** Preferences of an RSP whose `clusters` is empty or absent (spec §2.8). */
export const DEFAULT_CLUSTER_PREFERENCES: Readonly<Record<string, ClusterPreferences>> = {
  '*': { weight: 1 },
};

/**
 * Distributes `preferences.totalReplicas` over `availableClusters`. `current` holds the replicas
 * running per cluster, `capacity` the replicas a cluster can run when it is known to be short;
 * `key` (the RSP's `namespace/name`) seeds the order among clusters of equal weight, so that
 * different workloads do not all favour the same cluster.
 */
export function planReplicas(
  preferences: PlannerPreferences,
  availableClusters: readonly string[],
  current: ReadonlyMap<string, number>,
  capacity: ReadonlyMap<string, number>,
  key: string,
): ReplicaPlan {
  const plan = new Map<string, number>();
  const overflow = new Map<string, number>();
  const capacityOf = (name: string): number => countOr(capacity.get(name), Infinity);

  // 1–2. Clusters with a preference (their own, else "*"), heaviest first, then by hash.
  const clusterPreferences = nonEmpty(preferences.clusters) ?? DEFAULT_CLUSTER_PREFERENCES;
  const ordered: Candidate[] = [];
  for (const name of [...new Set(availableClusters)].sort(compareUtf8)) {
    const preference = ownEntry(clusterPreferences, name) ?? ownEntry(clusterPreferences, '*');
    if (preference === undefined) plan.set(name, 0);
    else ordered.push(candidate(name, preference, key));
  }
  ordered.sort(
    (a, b) =>
      (a.weight === b.weight ? 0 : a.weight > b.weight ? -1 : 1) ||
      a.hash - b.hash ||
      compareUtf8(a.name, b.name),
  );

  // 3–4. Minimums, in order, while replicas remain.
  let remaining = countOr(preferences.totalReplicas, 0);
  for (const c of ordered) {
    const min = Math.min(c.min, remaining, capacityOf(c.name));
    plan.set(c.name, min);
    remaining -= min;
  }

  // 5. Without rebalance, running replicas stay where they are (within max and capacity). The
  // weighted rounds below count these preallocated replicas before giving a cluster more.
  const preallocated = new Map<string, number>();
  if (preferences.rebalance !== true) {
    for (const c of ordered) {
      const planned = plan.get(c.name) ?? 0;
      const running = countOr(current.get(c.name), 0);
      if (running <= planned) continue;
      const target = Math.min(running, c.max, capacityOf(c.name));
      const extra = Math.max(0, Math.min(target - planned, remaining));
      plan.set(c.name, planned + extra);
      preallocated.set(c.name, extra);
      remaining -= extra;
    }
  }

  // 6. Weighted rounds: each share rounded up, until every replica is placed or no cluster can
  // take more. A cluster at its maximum or capacity leaves the rounds.
  let participating = ordered;
  let modified = true;
  while (modified && remaining > 0) {
    modified = false;
    const weightSum = participating.reduce((sum, c) => sum + c.weight, 0n);
    if (weightSum === 0n) break;
    const toDistribute = BigInt(remaining);
    const stillOpen: Candidate[] = [];
    for (const c of participating) {
      const start = plan.get(c.name) ?? 0;
      let extra = Math.min(
        Number((toDistribute * c.weight + weightSum - 1n) / weightSum),
        remaining,
      );
      const prealloc = preallocated.get(c.name) ?? 0;
      const used = Math.min(extra, prealloc);
      preallocated.set(c.name, prealloc - used);
      extra -= used;
      if (used > 0) modified = true;

      let total = start + extra;
      let full = false;
      if (total > c.max) {
        total = c.max;
        full = true;
      }
      const limit = capacityOf(c.name);
      if (total > limit) {
        overflow.set(c.name, total - limit);
        total = limit;
        full = true;
      }
      if (!full) stillOpen.push(c);
      remaining -= total - start;
      plan.set(c.name, total);
      if (total > start) modified = true;
    }
    participating = stillOpen;
  }

  // 7. Without rebalance, overflow is only what found no place at all.
  if (preferences.rebalance !== true) {
    for (const [name, value] of overflow) {
      const trimmed = Math.min(value, remaining);
      if (trimmed > 0) overflow.set(name, trimmed);
      else overflow.delete(name);
    }
  }
  return { plan: sortedByName(plan), overflow: sortedByName(overflow) };
}

// --- internals ---------------------------------------------------------------------------------

interface Candidate {
  name: string;
  hash: number;
  /** Already limited to `max`. */
  min: number;
  /** `Infinity` when unbounded. */
  max: number;
  weight: bigint;
}

function candidate(name: string, preference: ClusterPreferences, key: string): Candidate {
  const max = countOr(preference.maxReplicas, Infinity);
  return {
    name,
    hash: fnv1Hash32(name, key),
    min: Math.min(countOr(preference.minReplicas, 0), max),
    max,
    weight: BigInt(countOr(preference.weight, 0)),
  };
}

/** A replica count or weight: a non-negative integer; `fallback` when absent or null. */
function countOr(value: unknown, fallback: number): number {
  return typeof value === 'number' ? Math.max(0, Math.trunc(value)) : fallback;
}

function nonEmpty(clusters: unknown): Readonly<Record<string, unknown>> | undefined {
  return isJsonObject(clusters) && Object.keys(clusters).length > 0 ? clusters : undefined;
}

/**
 * The preferences of `name`: own properties only (a cluster may well be named `constructor`); a
 * null entry reads as all defaults, as Go decodes it.
 */
function ownEntry(
  clusters: Readonly<Record<string, unknown>>,
  name: string,
): ClusterPreferences | undefined {
  if (!Object.hasOwn(clusters, name)) return undefined;
  const preference = clusters[name];
  return isJsonObject(preference) ? preference : {};
}

function sortedByName(map: Map<string, number>): Map<string, number> {
  return new Map([...map].sort(([a], [b]) => compareUtf8(a, b)));
}
