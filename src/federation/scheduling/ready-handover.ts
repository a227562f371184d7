// Moving replicas between clusters without losing ready ones (kubefed-ts; KubeFed applied a new
// plan at once). When a plan shrinks a cluster while it grows another (a failed cluster came
// back, weights changed), the shrinking cluster gives up ready replicas only as far as ready
// replicas elsewhere exceed the total: the replacements start first, the old ones stop once the
// new ones are ready. The following passes (member status changes queue them) finish the move.
// Pure.

/** One cluster as the scheduler sees it now. */
export interface ClusterReplicas {
  /** `spec.replicas` of the member object (0 when it has none). */
  replicas: number;
  /** Replicas that are running and ready. */
  ready: number;
}

/**
 * The replicas to write per cluster: `planned`, except that a cluster planned below its ready
 * replicas keeps those the surplus of ready replicas (their sum over `total`) does not cover.
 * Clusters are taken in `planned`'s order, so the result is deterministic.
 */
export function handOverReady(
  planned: ReadonlyMap<string, number>,
  current: ReadonlyMap<string, ClusterReplicas>,
  total: number,
): Map<string, number> {
  let readySum = 0;
  for (const state of current.values()) readySum += state.ready;
  let surplus = Math.max(0, readySum - total);
  const result = new Map<string, number>();
  for (const [cluster, want] of planned) {
    const ready = current.get(cluster)?.ready ?? 0;
    if (want >= ready) {
      result.set(cluster, want);
      continue;
    }
    // Scaling down to `ready` only stops replicas that are not ready yet: always allowed.
    const released = Math.min(ready - want, surplus);
    surplus -= released;
    result.set(cluster, ready - released);
  }
  return result;
}
