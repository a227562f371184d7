// The message of a `Rescheduled` Event: the old and the new distribution, and why it changed.
import type { ReplicaPlan } from '../../federation/scheduling/planner.ts';
import { replicasOverrides } from '../../federation/scheduling/placed-replicas.ts';
import type { KubeObject } from '../../json/object.ts';

export interface ReplanFacts {
  plan: ReplicaPlan;
  /** Clusters known to be short of capacity, and what they can run. */
  capacity: ReadonlyMap<string, number>;
  readyClusters: readonly string[];
}

/** `member1 3→5, member2 3→4, member3 3→0 (capacity 0)`, then why. */
export function describeReplan(
  fed: KubeObject,
  scheduled: ReadonlyMap<string, number>,
  facts: ReplanFacts,
): string {
  const before = replicasOverrides(fed);
  const clusters = [...new Set([...before.keys(), ...scheduled.keys()])].sort();
  const moves = clusters.map((cluster) => {
    const from = before.get(cluster);
    const to = scheduled.get(cluster);
    const arrow = `${from === undefined ? '-' : String(from)}→${to === undefined ? '-' : String(to)}`;
    const notes: string[] = [];
    const limit = facts.capacity.get(cluster);
    if (limit !== undefined) notes.push(`capacity ${String(limit)}`);
    if (!facts.readyClusters.includes(cluster))
      notes.push('cluster not ready: kept until it returns');
    const planned = facts.plan.plan.get(cluster);
    if (
      to !== undefined &&
      planned !== undefined &&
      to > planned + (facts.plan.overflow.get(cluster) ?? 0)
    ) {
      notes.push(`keeps ready replicas until the others are ready, planned ${String(planned)}`);
    }
    return `${cluster} ${arrow}${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`;
  });
  return `Replicas per cluster: ${moves.join(', ')}`;
}
