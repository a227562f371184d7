// The benchmark's arithmetic: percentiles, rounding, and what the workload status phase derives
// from its timestamps. Pure.

export const round = (v: number, digits = 2): number => Number(v.toFixed(digits));

/** Nearest-rank percentile of an ascending list; NaN when it is empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

export interface Spread {
  p50: number;
  p99: number;
  max: number;
}

/** p50, p99 and max of `values`, rounded to whole numbers. */
export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    p50: Math.round(percentile(sorted, 50)),
    p99: Math.round(percentile(sorted, 99)),
    max: Math.round(sorted.at(-1) ?? NaN),
  };
}

/** What one rollout of a federated workload was seen to do, in performance.now() milliseconds. */
export interface Rollout {
  /** The benchmark sent the create. */
  createdAt: number;
  /** Per member cluster: its Deployment first showed the rollout complete and every replica ready. */
  memberReadyAt: ReadonlyMap<string, number>;
  /** The federated object's `status.workload` first showed every replica ready in every cluster. */
  fedReadyAt: number | undefined;
}

/**
 * Per rollout, the time from the last member becoming ready to the federated status showing it.
 * Throws if a rollout is not complete in `clusters` members: the caller waits for that first.
 */
export function readyLatencies(rollouts: Iterable<[string, Rollout]>, clusters: number): number[] {
  return [...rollouts].map(([name, r]) => {
    if (r.fedReadyAt === undefined || r.memberReadyAt.size !== clusters) {
      throw new Error(
        `${name}: rollout not complete (${String(r.memberReadyAt.size)} of ${String(clusters)} members ready, federated status ${r.fedReadyAt === undefined ? 'not ready' : 'ready'})`,
      );
    }
    return r.fedReadyAt - Math.max(...r.memberReadyAt.values());
  });
}

/**
 * The most status writes the sync controller may make for objects whose status changed during
 * `durationsMs` each: one for the pass that creates the member objects, then at most one per
 * `windowMs` (`--status-collection-window`), since a member status change queues the object no
 * earlier than one window after the change, and changes meanwhile ride along.
 */
export function statusWriteBound(durationsMs: readonly number[], windowMs: number): number {
  return durationsMs.reduce((sum, d) => sum + Math.floor(d / windowMs) + 1, 0);
}
